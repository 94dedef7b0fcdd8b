#!/usr/bin/env python3
"""Build the bundled Chinese font ``resources/fonts/NotoSerifSC-Regular.ttf``.

ReportLab can only embed TrueType (``glyf``) outlines, while Noto Serif CJK
ships CFF outlines.  This script

1. picks the Simplified Chinese face ("Noto Serif CJK SC") out of the Noto
   Serif CJK collection (``.ttc``; a single-face ``.otf`` is accepted too),
2. subsets it to everything that face maps except Hangul (all CJK
   ideographs incl. Ext A / Ext B+ / compatibility ideographs, CJK symbols
   and punctuation, full-width forms, Latin incl. pinyin, Greek, Cyrillic,
   kana, general punctuation, arrows, math, enclosed numbers ①..⑳, ...),
3. optionally adds ☐ ☑ ☒ (U+2610..2612), which the face lacks, built from
   the face's own □ (U+25A1), ✓ (U+2713) and × (U+00D7) outlines,
4. converts the cubic CFF outlines to quadratic TrueType outlines
   (``fontTools.pens.cu2quPen``), drops CFF/VORG, writes maxp 1.0, loca,
   glyf, post format 3,
5. renames the family to "Noto Serif SC TT" (the OFL copyright line of
   Noto CJK declares no Reserved Font Name; see resources/fonts/README.md).

fontTools is a *build-time* dependency only; the app never imports it.

Usage::

    python tools/make_font.py [--source PATH] [--out PATH] [--weight Regular|Bold]
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import NoReturn
from pathlib import Path

DEFAULT_SOURCE = {
    "Regular": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "Bold": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
}
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = {
    "Regular": REPO_ROOT / "resources" / "fonts" / "NotoSerifSC-Regular.ttf",
    "Bold": REPO_ROOT / "resources" / "fonts" / "NotoSerifSC-Bold.ttf",
}
FAMILY = "Noto Serif SC TT"
PS_FAMILY = "NotoSerifSCTT"

# Code points excluded even though the SC face maps them: Hangul.
EXCLUDED_RANGES = [
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3200, 0x321E),  # Parenthesized Hangul
    (0x3260, 0x327F),  # Circled Hangul
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7AF),  # Hangul Syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xFFA0, 0xFFDC),  # Half-width Hangul
    (0xFE00, 0xFE0F),  # variation selectors (cmap format 14 is dropped)
    (0xE0100, 0xE01EF),
]
EXT_B_PLUS = (0x20000, 0x3FFFF)  # SIP + TIP ideographs (dropped by --no-ext-b)

# Characters every build must contain (the script fails otherwise).
REQUIRED = (
    "中华人民共和国预算绩效自评表单位名称项目负责人联系电话年度目标指标值"
    "，。、；：？！“”‘’（）《》【】〔〕…—·￥％０１２３４５６７８９"
    "0123456789ABCabc%‰×÷±≤≥≠①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳□■○●√✓"
    "喆堃淼犇赟昇珺玥琇㛃䶮"
)
BOXES = "\u2610\u2611\u2612"  # ☐ ☑ ☒

LAYOUT_FEATURES = ["kern", "vert", "vrt2", "vkrn"]
CU2QU_MAX_ERR = 1.0  # font units (UPM 1000)


def die(msg: str, code: int = 2) -> NoReturn:
    print(f"make_font: error: {msg}", file=sys.stderr)
    raise SystemExit(code)


def excluded(cp: int, *, ext_b: bool) -> bool:
    if not ext_b and EXT_B_PLUS[0] <= cp <= EXT_B_PLUS[1]:
        return True
    return any(lo <= cp <= hi for lo, hi in EXCLUDED_RANGES)


# --------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------
def open_sc_face(source: Path, weight: str):
    """Return the TTFont of the Simplified Chinese face in *source*."""
    from fontTools.ttLib import TTCollection, TTFont

    with open(source, "rb") as fh:
        tag = fh.read(4)
    if tag != b"ttcf":
        font = TTFont(source)
        return font, font["name"].getDebugName(4)

    coll = TTCollection(source, lazy=True)
    wanted = None
    for i, face in enumerate(coll.fonts):
        ps = face["name"].getDebugName(6) or ""
        fam = face["name"].getDebugName(1) or ""
        if ps.lower().startswith(("notoserifcjksc-", "notosanscjksc-")) or fam.endswith(" SC"):
            wanted = i
            break
    if wanted is None:
        names = [f["name"].getDebugName(4) for f in coll.fonts]
        die(f"no Simplified Chinese (SC) face in {source}; faces: {names}")
    font = TTFont(source, fontNumber=wanted)
    sub = font["name"].getDebugName(2) or ""
    if sub.lower() != weight.lower():
        print(f"make_font: warning: face subfamily is {sub!r}, expected {weight!r}", file=sys.stderr)
    return font, font["name"].getDebugName(4)


# --------------------------------------------------------------------------
# subsetting
# --------------------------------------------------------------------------
def subset(font, *, ext_b: bool) -> set[int]:
    from fontTools import subset as ftsubset

    cmap = font["cmap"]
    # Format 14 (Unicode variation sequences) would drag in JP/TC glyph
    # variants; ReportLab ignores it anyway.
    cmap.tables = [t for t in cmap.tables if t.format != 14]
    unicodes = {cp for cp in font.getBestCmap() if not excluded(cp, ext_b=ext_b)}

    opts = ftsubset.Options()
    opts.layout_features = LAYOUT_FEATURES
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.notdef_glyph = True
    opts.glyph_names = False
    opts.hinting = False
    opts.desubroutinize = True
    opts.drop_tables += ["BASE"]
    sub = ftsubset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    return unicodes


# --------------------------------------------------------------------------
# CFF -> glyf
# --------------------------------------------------------------------------
def cff_to_glyf(font, extra_glyphs: dict | None = None) -> None:
    """Replace the CFF table with quadratic glyf/loca outlines.

    *extra_glyphs* maps new glyph name -> (advance_width, draw(pen) callable);
    they are appended to the glyph order.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = list(font.getGlyphOrder())
    glyph_set = font.getGlyphSet()
    vorg = font["VORG"] if "VORG" in font else None

    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}

    def convert(draw):
        pen = TTGlyphPen(None)
        draw(Cu2QuPen(pen, CU2QU_MAX_ERR, reverse_direction=True))
        return pen.glyph()

    for name in glyph_order:
        glyf.glyphs[name] = convert(glyph_set[name].draw)

    extra_glyphs = extra_glyphs or {}
    for name, (advance, draw) in extra_glyphs.items():
        glyph_order.append(name)
        glyf.glyphs[name] = convert(draw)
        font["hmtx"].metrics[name] = (advance, 0)
        if "vmtx" in font:
            font["vmtx"].metrics[name] = (font["head"].unitsPerEm, 0)

    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font.setGlyphOrder(glyph_order)
    glyf.glyphOrder = glyph_order

    # Side bearings must match the new TrueType bounding boxes.
    hmtx = font["hmtx"].metrics
    vmtx = font["vmtx"].metrics if "vmtx" in font else None
    default_vorg = vorg.defaultVertOriginY if vorg else font["hhea"].ascent
    vorg_records = vorg.VOriginRecords if vorg else {}
    for name in glyph_order:
        g = glyf.glyphs[name]
        g.recalcBounds(glyf)
        has_outline = g.numberOfContours != 0
        adv, _ = hmtx[name]
        hmtx[name] = (adv, g.xMin if has_outline else 0)
        if vmtx is not None:
            vadv, _ = vmtx[name]
            origin = vorg_records.get(name, default_vorg)
            vmtx[name] = (vadv, origin - g.yMax if has_outline else 0)

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(glyph_order)
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.maxComponentDepth = 0
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours"):
        setattr(maxp, attr, 0)  # recalculated on compile

    post = font["post"]
    post.formatType = 3.0  # no glyph names: ~40k CID names would cost ~0.5 MB
    for attr in ("extraNames", "mapping", "glyphOrder"):
        if hasattr(post, attr):
            delattr(post, attr)

    head = font["head"]
    head.glyphDataFormat = 0
    head.flags |= (1 << 0) | (1 << 1)  # baseline at y=0, lsb at x=0

    # Unhinted TrueType: ask rasterizers for smoothing at every size.
    gasp = newTable("gasp")
    gasp.version = 1
    gasp.gaspRange = {0xFFFF: 0x000A}  # GASP_DOGRAY | GASP_SYMMETRIC_SMOOTHING
    font["gasp"] = gasp

    font.sfntVersion = "\x00\x01\x00\x00"


# --------------------------------------------------------------------------
# ☐ ☑ ☒
# --------------------------------------------------------------------------
def box_glyphs(font) -> dict:
    """Build ☐ ☑ ☒ from the face's □ / ✓ / × outlines (None if unavailable)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.transformPen import TransformPen

    cmap = font.getBestCmap()
    have = {ch: cmap.get(ord(ch)) for ch in "□✓×"}
    if any(cp in cmap for cp in map(ord, BOXES)) or not all(have.values()):
        return {}
    gs = font.getGlyphSet()
    square, check, times = (gs[have[c]] for c in "□✓×")

    def bounds(glyph):
        bp = BoundsPen(gs)
        glyph.draw(bp)
        return bp.bounds

    sx0, sy0, sx1, sy1 = bounds(square)
    cx, cy = (sx0 + sx1) / 2, (sy0 + sy1) / 2
    advance = font["hmtx"][have["□"]][0]

    kx0, ky0, kx1, ky1 = bounds(check)
    k_scale = 0.82 * (sy1 - sy0) / (ky1 - ky0)
    k_dx = cx - (kx0 + kx1) / 2 * k_scale
    k_dy = cy - (ky0 + ky1) / 2 * k_scale

    tx0, ty0, tx1, ty1 = bounds(times)
    t_dx = cx - (tx0 + tx1) / 2
    t_dy = cy - (ty0 + ty1) / 2

    def draw_box(pen):
        square.draw(pen)

    def draw_checked(pen):
        square.draw(pen)
        check.draw(TransformPen(pen, (k_scale, 0, 0, k_scale, k_dx, k_dy)))

    def draw_crossed(pen):
        square.draw(pen)
        times.draw(TransformPen(pen, (1, 0, 0, 1, t_dx, t_dy)))

    return {
        "uni2610": (advance, draw_box),
        "uni2611": (advance, draw_checked),
        "uni2612": (advance, draw_crossed),
    }


def add_box_cmap(font, names) -> None:
    for table in font["cmap"].tables:
        if table.isUnicode():
            for ch, name in zip(BOXES, names):
                table.cmap[ord(ch)] = name


# --------------------------------------------------------------------------
# naming
# --------------------------------------------------------------------------
def rename(font, weight: str, source_name: str, source_version: str) -> None:
    name = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}
    name.names = [
        n for n in name.names
        if n.nameID in keep and n.platformID == 3 and n.langID == 0x409
    ]
    ps = f"{PS_FAMILY}-{weight}"
    version = source_version.split(";")[0].strip()  # "Version 2.001"
    desc = (
        f"Modified version of {source_name} ({version}): subset (Hangul removed) "
        "and converted from CFF to TrueType quadratic outlines with fontTools "
        "by tools/make_font.py of the jixiao project. Licensed under the SIL "
        "Open Font License 1.1."
    )
    for nid, value in {
        1: FAMILY,
        2: weight,
        3: f"{version.replace('Version ', '')};{ps};make_font.py",
        4: FAMILY if weight == "Regular" else f"{FAMILY} {weight}",
        5: f"{version}; TrueType conversion by make_font.py",
        6: ps,
        10: desc,
    }.items():
        name.setName(value, nid, 3, 1, 0x409)
    # Plain-ASCII Mac names too, for old tools.
    for nid in (1, 2, 4, 6):
        name.setName(name.getDebugName(nid), nid, 1, 0, 0)


# --------------------------------------------------------------------------
def build(source: Path, out: Path, weight: str, *, ext_b: bool, boxes: bool) -> dict:
    t0 = time.perf_counter()
    font, source_name = open_sc_face(source, weight)
    source_version = font["name"].getDebugName(5) or ""
    print(f"make_font: source face {source_name!r} from {source}")

    unicodes = subset(font, ext_b=ext_b)
    print(f"make_font: subset to {len(unicodes)} code points, "
          f"{len(font.getGlyphOrder())} glyphs ({time.perf_counter() - t0:.1f}s)")

    extra = box_glyphs(font) if boxes else {}
    cff_to_glyf(font, extra)
    if extra:
        add_box_cmap(font, list(extra))
        print("make_font: added ☐ ☑ ☒ built from □ ✓ ×")
    print(f"make_font: converted to TrueType ({time.perf_counter() - t0:.1f}s)")

    rename(font, weight, source_name, source_version)

    cmap = font.getBestCmap()
    missing = [c for c in REQUIRED if ord(c) not in cmap]
    if missing:
        die(f"required characters missing after subsetting: {''.join(missing)}", 3)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    font.recalcTimestamp = False  # keep the source's head.modified: reproducible output
    font.save(tmp)
    tmp.replace(out)
    size = out.stat().st_size
    print(f"make_font: wrote {out} ({size / 1e6:.1f} MB, "
          f"{len(cmap)} code points, {time.perf_counter() - t0:.1f}s)")
    return {"size": size, "codepoints": len(cmap), "glyphs": len(font.getGlyphOrder())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weight", choices=sorted(DEFAULT_SOURCE), default="Regular")
    ap.add_argument("--source", type=Path, help="Noto Serif CJK .ttc (or SC .otf); "
                    "default: the Debian fonts-noto-cjk path for --weight")
    ap.add_argument("--out", type=Path, help="output .ttf (default: resources/fonts/NotoSerifSC-<weight>.ttf)")
    ap.add_argument("--no-ext-b", dest="ext_b", action="store_false",
                    help="drop CJK Extension B+ ideographs (smaller file)")
    ap.add_argument("--no-boxes", dest="boxes", action="store_false",
                    help="do not synthesize ☐ ☑ ☒ (U+2610..2612)")
    args = ap.parse_args(argv)

    source = args.source or Path(DEFAULT_SOURCE[args.weight])
    out = args.out or DEFAULT_OUT[args.weight]
    if not source.is_file():
        die(f"source font not found: {source}\n"
            "  Install it with:  sudo apt-get install fonts-noto-cjk\n"
            "  or pass --source /path/to/NotoSerifCJK-Regular.ttc "
            "(https://github.com/notofonts/noto-cjk/releases)")
    try:
        import fontTools  # noqa: F401
    except ImportError:
        die("fontTools is required at build time: pip install fonttools")
    build(source, out, args.weight, ext_b=args.ext_b, boxes=args.boxes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
