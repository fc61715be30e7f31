// The small formatting subset of analysis texts: paragraphs (blank line), bullet lists
// (lines starting with "- "), and **bold**. Parsed into plain data and rendered by
// components, never as HTML, so a text can never inject markup.

export type Span = { text: string; bold: boolean };
export type Block = { kind: "paragraph"; spans: Span[] } | { kind: "list"; items: Span[][] };

export function spans(line: string): Span[] {
  const parts = line.split("**");
  if (parts.length % 2 === 0) {
    // The last "**" has no partner: keep it as text.
    const last = parts.pop() ?? "";
    const previous = parts.pop() ?? "";
    parts.push(`${previous}**${last}`);
  }
  return parts.map((text, i) => ({ text, bold: i % 2 === 1 })).filter((s) => s.text !== "");
}

export function parseAnalysis(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of text.replace(/\r\n/g, "\n").split(/\n\s*\n/)) {
    const lines = chunk.split("\n").filter((l) => l.trim() !== "");
    let paragraph: string[] = [];
    let list: Span[][] = [];
    const flushParagraph = () => {
      if (paragraph.length > 0) blocks.push({ kind: "paragraph", spans: spans(paragraph.join(" ")) });
      paragraph = [];
    };
    const flushList = () => {
      if (list.length > 0) blocks.push({ kind: "list", items: list });
      list = [];
    };
    for (const line of lines) {
      const bullet = /^\s*[-•*]\s+(.*)$/.exec(line);
      if (bullet) {
        flushParagraph();
        list.push(spans(bullet[1] ?? ""));
      } else {
        flushList();
        paragraph.push(line.trim());
      }
    }
    flushParagraph();
    flushList();
  }
  return blocks;
}
