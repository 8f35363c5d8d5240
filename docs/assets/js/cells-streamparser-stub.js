// Stands in for @codemirror/streamparser, which scripts/vendor.py does not ship yet.
// @codemirror/language imports StringStream from it only for legacy stream-parser modes;
// Ravine's cells use the Lezer Python grammar, so this class is never constructed.
export class StringStream {
  constructor() {
    throw new Error("CodeMirror stream parsers are not vendored in this site");
  }
}
