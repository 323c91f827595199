"""Product illustrations for the demo store: one small SVG per product style and colour.

A shopper tells an overshirt from a tee, a Chelsea boot from a trail boot, at a
glance; the demo should let them. Each style is a few paths in a 100×100 box:
the garment in its colour (``c``), details (collars, pockets, laces, seams) in a
darker shade (``d``) or a lighter one (``l``), ink for zips and soles, on a warm
ground with a shadow. ``make_demo_store.py`` calls :func:`illustration`; nothing
at run time does.
"""

from __future__ import annotations

from html import escape

GROUND = "#f3efe6"
SHADOW = "#e2dccf"
PAINTS = {"ink": "#2a2622", "wax": "#f7f4ee", "glass": "#b9b2a4", "tin": "#c9c4bb",
          "lid": "#a39d92", "flame": "#e0902f", "cord": "#5a3a24"}

Part = tuple  # (paint, path) filled, or (paint, path, stroke width[, opacity]) stroked


def dots(x: float, ys: tuple[float, ...], r: float = 1.6) -> str:
    """Buttons down a placket, as one path of circles."""
    return "".join(f"M{x - r} {y}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0" for y in ys)


# Shared outlines (100×100) that the styles dress with details
SHIRT = "M34 20l10-4 6 6 6-6 10 4 16 8 6 42-10 2-6-28v46H28V42l-6 28-10-2 6-42z"
SHORT_SHIRT = "M34 20l10-4 6 6 6-6 10 4 18 12-8 14-10-6v48H28V42l-10 6-8-14z"
TEE = "M37 18q13 8 26 0l21 12-8 15-9-4v47H33V41l-9 4-8-15z"
LONG_TEE = "M37 18q13 8 26 0l17 9 7 44-10 2-7-30v45H30V43l-7 30-10-2 7-44z"
TROUSERS = "M30 14h40l5 76H57L50 38l-7 52H25z"
SWEATER = "M36 18q14 6 28 0l18 10 6 44-11 2-6-30v44H29V44l-6 30-11-2 6-44z"
JACKET = "M33 16h34l17 12 6 46-11 2-5-30v44H26V46l-5 30-11-2 6-46z"
BOOT = "M30 16h26v44l26 10q6 3 6 10v6H26z"
NECK = "M37 18q13 8 26 0v3q-13 8-26 0z"
COLLAR = "M44 16l6 12-10-4zM56 16l-6 12 10-4z"
RIB = "M29 82h42v6H29z"
FLAME = "c6 7 6 12 0 16-6-4-6-9 0-16z"


def shirt(*extra: Part, body: str = SHIRT) -> tuple[Part, ...]:
    return (("c", body), ("d", COLLAR), ("d", "M50 28v60", 1.2),
            ("d", dots(51.8, (36, 48, 60, 72))),
            *extra)


def trousers(*extra: Part) -> tuple[Part, ...]:
    return (("c", TROUSERS), ("d", "M30 14h40v6H30z"), ("d", "M50 20v16M36 20v4M64 20v4", 1),
            *extra)


def boot(*extra: Part) -> tuple[Part, ...]:
    return (("c", BOOT), ("ink", "M24 86h66v5H24z"), *extra)


STYLES: dict[str, tuple[Part, ...]] = {
    "Flannel Shirt": shirt(("l", "M28 40h44M28 56h44M28 72h44M38 24v64M62 24v64", 3, ".55")),
    "Oxford Shirt": shirt(("d", "M56 38h10v10H56z", 0, ".6"), ("d", dots(42, (25,), 1.2)),
                          ("d", dots(58, (25,), 1.2))),
    "Linen Shirt": shirt(("d", "M18 42l10 6M82 42l-10 6", 1), body=SHORT_SHIRT),
    "Overshirt": shirt(("d", "M33 36h12v13H33zM55 36h12v13H55z"),
                       ("l", "M33 36h12v4H33zM55 36h12v4H55z")),
    "Tee": (("c", TEE), ("d", NECK)),
    "Pocket Tee": (("c", TEE), ("d", NECK + "M55 38h10v11q-5 3-10 0z")),
    "Long Sleeve Tee": (("c", LONG_TEE),
                        ("d", NECK + "M13 71l10-2 .6 3-10 2zM87 71l-10-2-.6 3 10 2z")),
    "Hiking Trousers": trousers(("d", "M27 50h12v14H27zM61 50h12v14H61z"),
                                ("l", "M27 50h12v4H27zM61 50h12v4H61z")),
    "Chinos": trousers(("d", "M32 20q6 8 10 0M68 20q-6 8-10 0M38 40l-4 48M62 40l4 48", 1)),
    "Cord Trousers": trousers(("d", "M30 24l-3 64M34 24l-3 64M38 24l-3 64M42 24l-2 40M58 24l2 40"
                                    "M62 24l3 64M66 24l3 64M70 24l3 64", .9, ".7")),
    "Shirt Dress": (("c", "M38 14h24l6 6 14 8-6 10-8-4 6 54H26l6-54-8 4-6-10 14-8z"),
                    ("d", "M44 14l6 10-9-3zM56 14l-6 10 9-3zM31 50h38v5H31z"),
                    ("d", dots(50, (30, 40, 62, 72)))),
    "Wrap Dress": (("c", "M38 14l12 20 12-20 10 6 4 20-8 2 12 46H22l12-46-8-2 4-20z"),
                   ("d", "M62 14L38 52l-8 36", 1.5), ("d", "M60 46l10 14-3 1-9-12z")),
    "Smock Dress": (("c", "M36 14h28l4 16 8 14-8 4 8 42H20l8-42-8-4 8-14z"),
                    ("d", "M34 30h32v5H34zM26 66h48v3H26z"),
                    ("d", "M40 35v30M50 35v30M60 35v30", .8)),
    "Rain Jacket": (("c", JACKET), ("d", "M36 16q14-14 28 0l-4 8q-10-8-20 0z"),
                    ("ink", "M50 24v64", 1.4), ("d", "M32 60h12v3H32zM56 60h12v3H56z")),
    "Waxed Jacket": (("c", JACKET), ("cord", "M36 16l14 12 14-12-2-4H38z"),
                     ("d", "M30 58h14v14H30zM56 58h14v14H56zM32 40h10v8H32zM58 40h10v8H58z"),
                     ("cord", dots(50, (34, 46, 58, 70, 82)))),
    "Fleece": (("c", JACKET), ("d", "M38 12h24v8H38zM26 60h48v6H26z"), ("ink", "M50 12v30", 1.4),
               ("ink", dots(50, (42,), 2))),
    "Down Vest": (("c", "M36 16h28l8 14v58H28V30z"),
                  ("d", "M30 40h40M28 52h44M28 64h44M28 76h44", 1.4),
                  ("ink", "M50 16v72", 1.4)),
    "Crew Sweater": (("c", SWEATER),
                     ("d", "M36 18q14 6 28 0v4q-14 6-28 0z" + RIB
                      + "M12 70l11-2 1 4-11 2zM88 70l-11-2-1 4 11 2z"),
                     ("d", "M38 30l4 6 4-6 4 6 4-6 4 6 4-6", .8, ".6")),
    "Cardigan": (("c", SWEATER), ("d", "M36 18l14 30 14-30-4-1-10 24-10-24z" + RIB),
                 ("ink", dots(52, (52, 62, 72, 80)))),
    "Roll Neck": (("c", SWEATER), ("d", "M38 8h24v14q-12 4-24 0z" + RIB),
                  ("c", "M42 9v12M46 9v13M50 9v13M54 9v13M58 9v12", .8)),
    "Trail Boot": boot(("d", "M30 16h26v6H30zM26 78h62v8H26z"),
                       ("l", "M44 26l8 4M44 34l8 4M44 42l8 4M44 50l8 4", 1.6),
                       ("ink", "M28 91h8v3h-8zM46 91h8v3h-8zM64 91h8v3h-8zM80 91h8v3h-8z")),
    "Chelsea Boot": boot(("ink", "M48 24h8v34l-8 6z", 0, ".55"), ("d", "M31 10h6v10h-6z")),
    "Camp Moc": (("c", "M20 56q2-8 12-8h26q12 0 22 12q6 4 6 12v8H18z"), ("ink", "M16 80h72v5H16z"),
                 ("d", "M38 50q14-8 30 6", 1.2), ("l", "M44 52l6-6M52 52l6-6", 1.6)),
    "Daypack": (("c", "M30 34q0-16 20-16t20 16v50q0 4-4 4H34q-4 0-4-4z"), ("d", "M36 58h28v22H36z"),
                ("d", "M34 34q16-6 32 0", 1.4), ("ink", "M48 12h4v8h-4z")),
    "Roll-top Pack": (("c", "M30 30h40v54q0 4-4 4H34q-4 0-4-4z"),
                      ("d", "M28 18h44v12H28zM46 24h8v36h-8z"),
                      ("ink", "M45 58h10v6H45z")),
    "Tote": (("c", "M24 38h52l-4 50H28z"), ("d", "M36 40V28q0-10 14-10t14 10v12", 4),
             ("d", "M24 38h52v5H24z")),
    "Hip Pack": (("ink", "M6 54h88", 3), ("c", "M24 46q26-12 52 0v22q-26 10-52 0z"),
                 ("d", "M26 56q24-8 48 0", 1.6)),
    "Beanie": (("c", "M24 66q0-38 26-38t26 38z"), ("d", "M22 62h56v14H22z"),
               ("l", dots(50, (24,), 8)),
               ("c", "M28 63v12M34 63v12M40 63v12M46 63v12M52 63v12M58 63v12M64 63v12"
                     "M70 63v12", 1)),
    "Cap": (("c", "M22 62q0-30 28-30t28 30z"), ("d", "M52 58h38q-4 10-38 8z"),
            ("d", dots(50, (32,), 2.5)), ("d", "M50 34v28", 1)),
    "Bucket Hat": (("c", "M32 34h36l6 30H26z"), ("d", "M14 62h72l-8 12H22z"),
                   ("d", "M30 44h40M28 54h44", 1)),
    "Candle": (("wax", "M32 40h36v46q0 4-4 4H36q-4 0-4-4z"),
               ("glass", "M32 40h36v46q0 4-4 4H36q-4 0-4-4z", 2),
               ("c", "M36 56h28v20H36z"), ("ink", "M49 30h2v12h-2z"), ("flame", "M50 16" + FLAME)),
    "Travel Candle": (("tin", "M24 58h52v24q0 4-4 4H28q-4 0-4-4z"), ("c", "M28 64h44v14H28z"),
                      ("lid", "M22 50h56v8H22z"), ("flame", "M50 30c5 6 5 10 0 14-5-4-5-8 0-14z")),
    "Pillar Candle": (("c", "M36 34h28v54H36z"), ("l", "M36 34h28v4H36z"),
                      ("ink", "M49 24h2v12h-2z"),
                      ("flame", "M50 10" + FLAME)),
}
CARD: tuple[Part, ...] = (("#1f4e79", "M12 28h76v46H12z"), ("#a63a17", "M12 60h76v6H12z"),
                          ("#ffffff", "M22 38h6v14h-6zM28 43h8v4h-8zM36 38h6v14h-6z"))


def shade(colour: str, factor: float) -> str:
    """``colour`` darkened (factor < 1) or lightened toward white (factor > 1)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = ([round(c * factor) for c in rgb] if factor <= 1
             else [round(c + (255 - c) * (factor - 1)) for c in rgb])
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in mixed)


def _element(part: Part, paints: dict[str, str]) -> str:
    paint, path, *stroke = part
    colour = paints.get(paint, paint)
    opacity = f' opacity="{stroke[1]}"' if len(stroke) > 1 else ""
    if stroke and stroke[0]:
        return (f'<path fill="none" stroke="{colour}" stroke-width="{stroke[0]}"{opacity} '
                f'd="{path}"/>')
    return f'<path fill="{colour}"{opacity} d="{path}"/>'


def illustration(title: str, alt: str, colour: str) -> str:
    """The SVG for a product titled ``title`` (``<Place> <Style>``) in ``colour`` (hex).

    Styles not drawn here (gift cards, anything new) get the gift card's picture,
    which is what they are most likely to be.
    """
    style = next((s for s in sorted(STYLES, key=len, reverse=True) if title.endswith(" " + s)),
                 None)
    paints = {**PAINTS, "c": colour, "d": shade(colour, 0.62), "l": shade(colour, 1.45)}
    body = "".join(_element(part, paints) for part in (STYLES[style] if style else CARD))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img" '
            f'aria-labelledby="t"><title id="t">{escape(alt)}</title>'
            f'<rect width="100" height="100" fill="{GROUND}"/>'
            f'<ellipse cx="50" cy="92" rx="38" ry="4" fill="{SHADOW}"/>{body}</svg>\n')
