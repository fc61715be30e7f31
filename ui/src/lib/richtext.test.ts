import { describe, expect, it } from "vitest";
import { parseAnalysis, spans } from "./richtext";

describe("parseAnalysis", () => {
  it("splits paragraphs on blank lines and joins wrapped lines", () => {
    const blocks = parseAnalysis("Målet bedöms delvis uppfyllas.\nOrsaken är personalbrist.\n\nÅtgärder pågår.");
    expect(blocks).toEqual([
      { kind: "paragraph", spans: [{ text: "Målet bedöms delvis uppfyllas. Orsaken är personalbrist.", bold: false }] },
      { kind: "paragraph", spans: [{ text: "Åtgärder pågår.", bold: false }] },
    ]);
  });

  it("turns lines starting with a dash into a list, between paragraphs", () => {
    const blocks = parseAnalysis(
      "Åtgärder:\n- Rekrytera två sjuksköterskor\n- Öka **bemanningen** i juli\nKlart i höst.",
    );
    expect(blocks.map((b) => b.kind)).toEqual(["paragraph", "list", "paragraph"]);
    const list = blocks[1];
    if (list?.kind !== "list") throw new Error("expected a list");
    expect(list.items).toHaveLength(2);
    expect(list.items[1]).toEqual([
      { text: "Öka ", bold: false },
      { text: "bemanningen", bold: true },
      { text: " i juli", bold: false },
    ]);
  });

  it("never produces markup from the text itself", () => {
    const blocks = parseAnalysis("<script>alert(1)</script> **<b>x</b>**");
    expect(JSON.stringify(blocks)).toContain("<script>");
    expect(blocks[0]?.kind).toBe("paragraph");
  });

  it("keeps an unpaired ** as text", () => {
    expect(spans("5 ** 2")).toEqual([{ text: "5 ** 2", bold: false }]);
    expect(spans("**a** och **b")).toEqual([
      { text: "a", bold: true },
      { text: " och **b", bold: false },
    ]);
  });

  it("gives nothing for an empty text", () => {
    expect(parseAnalysis("  \n\n ")).toEqual([]);
  });
});
