// The code editor of a runnable cell: CodeMirror 6, vendored (build/assets/vendor/codemirror,
// found through the import map that cells_hook.py puts in every page's <head>).
//
// Tab indents (indentWithTab); Escape then Tab leaves the editor (CodeMirror's own escape
// hatch, stated next to the cell); Ctrl/Cmd+Enter runs. Colours are Material's code colours,
// so the editor looks like the highlighted block it replaces, in light and dark.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, HighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

const hl = (name) => `var(--md-code-hl-${name}-color)`;
const materialColours = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: hl("keyword") },
  { tag: [t.string, t.special(t.string)], color: hl("string") },
  { tag: [t.number, t.bool, t.null], color: hl("number") },
  { tag: t.comment, color: hl("comment"), fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: hl("function") },
  { tag: [t.className, t.standard(t.variableName), t.self], color: hl("constant") },
  { tag: [t.operator, t.derefOperator], color: hl("operator") },
  { tag: [t.punctuation, t.paren, t.squareBracket, t.brace, t.separator], color: hl("punctuation") },
  { tag: t.definition(t.variableName), color: hl("variable") },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--md-code-bg-color)", color: "var(--md-code-fg-color)", fontSize: ".85em" },
  ".cm-content": { fontFamily: "var(--md-code-font-family)", caretColor: "var(--md-code-fg-color)", padding: ".7720588235em 0" },
  ".cm-scroller": { fontFamily: "var(--md-code-font-family)", lineHeight: "1.4" },
  ".cm-gutters": { backgroundColor: "var(--md-code-bg-color)", color: "var(--md-default-fg-color--light)", border: "none" },
  // The cursor's line is marked in the gutter only: a tinted line under Material's code
  // colours falls below WCAG contrast (the function colour on it: 4.09:1).
  ".cm-activeLine": { backgroundColor: "transparent" },
  ".cm-activeLineGutter": { backgroundColor: "var(--md-code-hl-color--light, transparent)" },
  "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color)", outlineOffset: "2px" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--md-code-fg-color)" },
  "&.cm-focused .cm-selectionBackground, ::selection": { backgroundColor: "var(--md-code-hl-color)" },
});

/**
 * Replaces nothing: appends an editor to parent and returns it.
 * options: {doc, label, onChange(code), onRun()}.
 */
export function createEditor(parent, { doc, label, onChange, onRun }) {
  const run = () => (onRun(), true);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(),
        indentUnit.of("    "), EditorState.tabSize.of(4),
        python(), syntaxHighlighting(materialColours), theme,
        keymap.of([{ key: "Mod-Enter", run, preventDefault: true },
                   indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => update.docChanged && onChange(update.state.doc.toString())),
      ],
    }),
  });
  return {
    view,
    get code() {
      return view.state.doc.toString();
    },
    set code(code) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    },
    focus(at) {
      if (at !== undefined) view.dispatch({ selection: { anchor: Math.min(at, view.state.doc.length) } });
      view.focus();
    },
  };
}
