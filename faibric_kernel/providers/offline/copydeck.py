"""Copy that fits the brief: the words the offline provider puts on a page.

For each site kind there is a deck of real copy (headlines, menus,
services, plans, questions, people, quotes) written for that kind of
business, filled in with the business name, the place and the noun from the
brief. :func:`section_content` returns the content of one section in a
canonical shape (title, subtitle, items...) that the composer maps onto a
library component's props or its own components.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote

from ...generation.brief import SiteBrief
from ...generation.understanding import LANGUAGES, kind_info

__all__ = ["SECTION_LABELS", "check_decks", "neutral_deck", "section_content", "site_meta", "ui_strings"]

DECKS_DIR = Path(__file__).with_name("decks")


@cache
def _json(name: str) -> dict:
    return json.loads((DECKS_DIR / name).read_text(encoding="utf-8"))


ART_DIR = Path(__file__).parents[2] / "generation" / "sections" / "art"
_GENERAL_ART = ["sparkle", "leaf", "calendar", "book"]


@cache
def _art_url(motif: str) -> str:
    """An illustration from ``generation/sections/art/`` as a data URL (no request, no external asset)."""
    svg = (ART_DIR / f"{motif}.svg").read_text(encoding="utf-8").strip()
    return "data:image/svg+xml," + quote(svg, safe="/:=;,'()-.")


def art_for(brief: SiteBrief, index: int, salt: int = 0) -> str:
    """The ``index``-th illustration of this kind's set, in an order that differs from site to site."""
    motifs = kind_info(brief.subkind, brief.variant).get("art") or _GENERAL_ART
    return _art_url(motifs[(index + brief.seed + salt) % len(motifs)])


def _language(brief: SiteBrief) -> str:
    return brief.language if brief.language in LANGUAGES else "en"


def ui_strings(language: str) -> dict:
    """Navigation, buttons, form labels and messages in ``language`` (``decks/ui.json``)."""
    return _json("ui.json")[language if language in LANGUAGES else "en"]


def _ui(brief: SiteBrief, key: str):
    return ui_strings(_language(brief))[key]


def _keys(value, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return {k for key, v in value.items() for k in _keys(v, f"{prefix}{key}.")} | {prefix.rstrip(".")}
    return {prefix.rstrip(".")}


def check_decks() -> list[str]:
    """Problems in the copy data: every key of the English ui and neutral decks exists in every language."""
    problems = []
    for name in ("ui.json", "neutral.json"):
        data = _json(name)
        wanted = _keys(data["en"])
        for lang in LANGUAGES:
            if lang not in data:
                problems.append(f"{name}: no {lang}")
                continue
            missing = wanted - _keys(data[lang])
            problems += [f"{name}: {lang} lacks {key}" for key in sorted(missing)]
    return problems

SECTION_LABELS = {
    "about": "About", "features": "Services", "menu": "Menu", "product-grid": "Shop", "pricing": "Pricing",
    "schedule": "Schedule", "gallery": "Gallery", "team": "Team", "testimonials": "Reviews", "blog-list": "Journal",
    "faq": "FAQ", "booking-form": "Book", "contact-form": "Contact", "map": "Visit", "stats": "Impact",
    "newsletter": "Newsletter", "cta": "Start", "sponsors": "Sponsors", "app-download": "Download",
}


class _Fill(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _fill(text, brief: SiteBrief):
    if isinstance(text, list):
        return [_fill(t, brief) for t in text]
    if isinstance(text, dict):
        return {k: _fill(v, brief) for k, v in text.items()}
    if not isinstance(text, str):
        return text
    city = brief.location
    ui = ui_strings(_language(brief))
    offers = _offers(brief)
    values = _Fill(
        name=brief.business_name,
        noun=brief.noun,
        Noun=brief.noun[:1].upper() + brief.noun[1:],
        a_noun=("an " if brief.noun[:1].lower() in "aeiou" else "a ") + brief.noun,
        city=city or ui["town"],
        in_city=ui["in_city"].format(city=city) if city else "",
        of_city=f" of {city}" if city else "",
        cur=brief.currency,
        topic=(brief.keywords[-1] if brief.kind == "blog" and brief.keywords else "the things we love"),
        offers=_join(offers, _language(brief)).lower() if _language(brief) != "de" else _join(offers, "de"),
        offer_0=offers[0] if offers else brief.business_name,
        offer_count=str(len(offers)),
        action=_action(brief),
    )
    out = text.format_map(values)
    return re.sub(r"\s+([,.])", r"\1", out).replace("  ", " ")


_AND = {"en": "and", "es": "y", "pt": "e", "fr": "et", "de": "und"}


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_AND.get(language, 'and')} " + items[-1]


def _offers(brief: SiteBrief) -> list[str]:
    offers = (kind_info(brief.subkind, brief.variant).get("offers") or {}).get(_language(brief))
    if offers:
        return list(offers)
    # a neutral site: the prompt's own nouns, never another business's
    return [n.capitalize() for n in (brief.nouns or [])[:3]] or [brief.noun[:1].upper() + brief.noun[1:]]


def _action(brief: SiteBrief) -> str:
    action = (kind_info(brief.subkind, brief.variant).get("action") or {}).get(_language(brief))
    if action:
        return action
    labels = ui_strings(_language(brief))["labels"]
    return labels["requestBooking"] if "booking-form" in brief.sections else ui_strings(
        _language(brief))["nav"]["contact-form"]


def _pick(options, brief: SiteBrief, salt: int = 0):
    if isinstance(options, (list, tuple)) and options and isinstance(options[0], (str, dict, list)):
        return options[(brief.seed + salt) % len(options)]
    return options


# ---------------------------------------------------------------------------------------------------
# Decks. Each entry: section -> content (strings may use {name} {noun} {Noun} {city} {in_city} {cur}).
# ---------------------------------------------------------------------------------------------------
DECKS: dict[str, dict] = {}

DECKS["bakery"] = {
    "hero": {
        "eyebrow": ["Freshly baked every morning{in_city}", "Family bakery{in_city}"],
        "title": ["Baked slowly, shared warmly", "Good bread takes time. We give it all night.",
                  "Warm from our oven to your table"],
        "subtitle": "{name} bakes naturally leavened bread, flaky pastries and celebration cakes by hand every "
                    "morning, with flour from small mills and butter from local dairies.",
        "primary": ("See the menu", "menu"), "secondary": ("Visit us", "map"),
        "highlights": ["Baked before sunrise", "Sourdough fermented 36 hours", "Cakes to order"],
        "note": "Open from 7 am, until the last loaf is gone",
    },
    "about": {
        "title": "A neighbourhood bakery with flour on its sleeves",
        "text": ["{name} started with one wood-fired oven and a stubborn sourdough starter. Today our bakers still "
                 "shape every loaf by hand, fold every croissant over three days and bake in small batches, so what "
                 "you take home is as fresh as it gets.",
                 "We buy our flour from small mills, our eggs from free-range farms nearby and our fruit from the "
                 "market down the road. Nothing is frozen, nothing is rushed."],
        "highlights": ["Small-batch, hand-shaped", "Local flour and dairy", "Nothing frozen, ever"],
    },
    "menu": {
        "title": "Fresh from the oven", "eyebrow": "Our menu",
        "subtitle": "Baked on site every morning. Come early for the best choice, or call ahead and we will keep "
                    "your order aside.",
        "sections": [
            {"name": "Breads", "items": [
                ("Country sourdough", "Naturally leavened, 36-hour ferment, crackling crust", "4.80", ["VG"]),
                ("Rye & seeds", "Dark rye with sunflower, flax and pumpkin seeds", "5.20", ["VG"]),
                ("Olive & rosemary focaccia", "Cold-pressed olive oil, flaky salt", "3.90", ["VG"]),
                ("Baguette", "Baked every two hours", "1.90", ["VG"]),
            ]},
            {"name": "Pastries", "items": [
                ("Custard tart", "Crisp puff pastry, vanilla custard, cinnamon on top", "1.40", ["V"]),
                ("Butter croissant", "Laminated over three days with cultured butter", "2.20", ["V"]),
                ("Cinnamon bun", "Cardamom dough, brown-sugar swirl", "2.60", ["V"]),
                ("Almond pear tart", "Frangipane, poached pear, toasted almonds", "3.40", ["V"]),
            ]},
            {"name": "Cakes & sweets", "items": [
                ("Orange & olive oil cake", "Moist, fragrant, dairy free, by the slice", "3.20", ["VG"]),
                ("Dark chocolate brownie", "70% chocolate, sea salt", "2.80", ["V", "GF"]),
                ("Seasonal fruit tart", "Crème pâtissière and fruit from the market", "3.60", ["V"]),
                ("Celebration cake (from)", "Made to order: ask us two days ahead", "28", ["V"]),
            ]},
        ],
        "note": "V vegetarian, VG vegan, GF gluten free. Tell us about allergies: we are happy to help.",
    },
    "gallery": {
        "title": "From our ovens", "subtitle": "A peek behind the counter at {name}.",
        "items": [("Before sunrise", "The first loaves come out at 5 am", "sun"),
                  ("Shaped by hand", "Every loaf is weighed and shaped by a baker", "circles"),
                  ("Layers of butter", "Croissants, folded over three days", "stripes"),
                  ("Market fruit", "Tarts change with the seasons", "leaf"),
                  ("The counter", "Where the neighbourhood says good morning", "hills"),
                  ("Late batch", "Focaccia for the afternoon crowd", "moon")],
    },
    "testimonials": {
        "title": "What our neighbours say",
        "items": [("The best custard tarts I have had outside my grandmother's kitchen. Still warm at 8 am.",
                   "Marta Silva", "Regular since opening"),
                  ("Their sourdough lasts all week and still makes the best toast. The team remembers my order.",
                   "Daniel Costa", "Neighbour"),
                  ("They made our wedding cake and every guest asked where it came from. Beautiful and delicious.",
                   "Inês & Tom", "Celebration cake customers")],
    },
    "team": {"title": "The bakers", "items": [("Sofia Almeida", "Head baker", "Has shaped bread since she was twelve."),
                                             ("Rui Matos", "Pastry chef", "Folds every croissant by hand."),
                                             ("Clara Nunes", "Front of house", "Knows every regular's order by heart."),
                                             ("Pedro Lima", "Early shift", "Lights the oven at 3 am, every day.")]},
    "faq": {"items": [("Do you take orders for cakes?", "Yes. Order celebration cakes at least two days ahead, in "
                       "the shop, by phone or with the contact form."),
                      ("Do you have gluten-free options?", "We bake a few gluten-free sweets every day, but our "
                       "kitchen handles wheat flour, so we cannot promise they are free of traces."),
                      ("Can I reserve bread?", "Call ahead or send us a message and we will keep your loaves aside "
                       "until noon."),
                      ("Do you supply cafés and restaurants?", "Yes, we deliver wholesale bread each morning. Get in "
                       "touch for our price list.")]},
    "contact": {"title": "Order a cake, ask a question", "subtitle": "Celebration cakes, wholesale bread or a simple "
                "question: write to us and we will answer within a day.", "submit": "Send message",
                "success": "Thank you! We will get back to you within a day."},
    "hours": [("Monday – Friday", "7:00 – 19:00"), ("Saturday", "7:30 – 18:00"), ("Sunday", "8:00 – 14:00")],
    "stats": [("36 h", "sourdough fermentation"), ("5 am", "first loaves out"), ("100%", "baked on site"),
              ("12", "breads every day")],
    "cta": {"title": "Planning a celebration?", "text": "Order a cake from {name} at least two days ahead.",
            "label": "Order a cake"},
    "footer": "Bread, pastries and cakes baked by hand every morning{in_city}.",
}

DECKS["cafe"] = {
    **DECKS["bakery"],
    "hero": {
        "eyebrow": ["Specialty coffee{in_city}", "Your neighbourhood café"],
        "title": ["Slow mornings, serious coffee", "Coffee worth slowing down for", "Come for the coffee, stay for the calm"],
        "subtitle": "{name} roasts single-origin beans in small batches and serves them with fresh pastries, "
                    "simple brunch plates and a table by the window.",
        "primary": ("See the menu", "menu"), "secondary": ("Find us", "map"),
        "highlights": ["Roasted in-house", "Oat and almond milk free", "Laptop-friendly mornings"],
        "note": "Open daily from 7:30 am",
    },
    "about": {
        "title": "A café built around good coffee",
        "text": ["We started {name} because we wanted a place where the coffee is taken seriously and nobody rushes "
                 "you. We buy green beans directly from growers, roast them every week and brew them with care.",
                 "Pastries come from a bakery down the street, and our kitchen makes brunch from scratch every "
                 "morning."],
        "highlights": ["Direct-trade beans", "Roasted weekly", "Brunch made from scratch"],
    },
    "menu": {
        "title": "Coffee, tea & brunch", "eyebrow": "Our menu",
        "subtitle": "Beans roasted in-house every week. Ask the barista about today's filter.",
        "sections": [
            {"name": "Coffee", "items": [("Espresso", "Our seasonal house blend", "1.80", ["VG"]),
                                         ("Flat white", "Double ristretto, silky milk", "3.20", ["V"]),
                                         ("Filter of the day", "Single origin, brewed to order", "3.50", ["VG"]),
                                         ("Iced oat latte", "Cold milk, double shot", "3.90", ["VG"])]},
            {"name": "Tea & more", "items": [("Loose-leaf tea", "Sencha, Assam or mint", "2.80", ["VG"]),
                                             ("Chai latte", "House spice blend", "3.60", ["V"]),
                                             ("Hot chocolate", "70% cocoa, whipped cream", "3.40", ["V"])]},
            {"name": "Brunch", "items": [("Avocado toast", "Sourdough, chilli, lime, seeds", "8.50", ["VG"]),
                                         ("Shakshuka", "Baked eggs, peppers, feta, bread", "10.00", ["V"]),
                                         ("Granola bowl", "Yoghurt, seasonal fruit, honey", "6.90", ["V", "GF"])]},
        ],
        "note": "Oat, almond and soy milk at no extra charge.",
    },
    "gallery": {
        "title": "Inside the café", "subtitle": "Morning light, good cups and the smell of fresh roast.",
        "items": [("Morning light", "Our corner table at opening", "sun"),
                  ("Latte art", "Every cup poured by hand", "circles"),
                  ("Roast day", "Fresh beans every Tuesday", "stripes"),
                  ("Brunch", "Plates made from scratch", "leaf"),
                  ("The terrace", "Sunny mornings outside", "hills"),
                  ("Evenings", "Cupping sessions once a month", "moon")],
    },
    "testimonials": {
        "title": "Regulars say it best",
        "items": [("The flat white here ruined every other café for me. Friendly, unhurried, perfect.",
                   "Joana Reis", "Morning regular"),
                  ("I write here three mornings a week. Great coffee, quiet music and nobody rushes you.",
                   "Mark Ellis", "Writer"),
                  ("Their shakshuka is the best brunch in the neighbourhood, and the filter coffee is superb.",
                   "Ana Sousa", "Weekend brunch fan")],
    },
    "contact": {"title": "Say hello", "subtitle": "Events, wholesale beans or a question about our coffee: "
                "send us a note.", "submit": "Send message", "success": "Thanks! We will reply within a day."},
    "hours": [("Monday – Friday", "7:30 – 18:00"), ("Saturday – Sunday", "8:30 – 17:00")],
    "stats": [("4", "origins on rotation"), ("Weekly", "roasting"), ("0", "charge for plant milk"), ("7:30", "doors open")],
    "cta": {"title": "Take our coffee home", "text": "Freshly roasted beans, ground for your brewer.",
            "label": "Ask about beans"},
    "footer": "Specialty coffee and brunch, roasted and cooked with care{in_city}.",
}

DECKS["restaurant"] = {
    "hero": {
        "eyebrow": ["Seasonal cooking{in_city}", "Kitchen & wine bar{in_city}"],
        "title": ["Honest food, made with what the season gives", "A table worth coming back to",
                  "Slow dinners, good wine, great company"],
        "subtitle": "{name} cooks from the market every day: small plates to share, fresh pasta, fire-grilled fish "
                    "and a wine list full of small producers.",
        "primary": ("Book a table", "booking-form"), "secondary": ("See the menu", "menu"),
        "highlights": ["Market menu, changed daily", "Natural wines by the glass", "Private dining for 20"],
        "note": "Dinner Tuesday to Sunday, lunch at weekends",
    },
    "about": {
        "title": "A kitchen that follows the market",
        "text": ["{name} opened with a simple idea: cook what is best that day, cook it well, and serve it without "
                 "fuss. Our chefs visit the market every morning and the menu changes with what they find.",
                 "Everything from the bread to the ice cream is made in our kitchen, and our wine list favours "
                 "small growers who farm with care."],
        "highlights": ["Daily market menu", "Everything made in-house", "Small-grower wines"],
    },
    "menu": {
        "title": "Tonight's menu", "eyebrow": "Menu",
        "subtitle": "Our menu changes with the market. Here is a taste of what is cooking this week.",
        "sections": [
            {"name": "To share", "items": [("Burrata & heirloom tomatoes", "Basil oil, sea salt, grilled bread", "12", ["V"]),
                                           ("Crispy squid", "Lemon aioli, chilli, parsley", "11", []),
                                           ("Charred leeks", "Romesco, toasted hazelnuts", "9", ["VG", "GF"])]},
            {"name": "Mains", "items": [("Hand-cut tagliatelle", "Slow-cooked beef ragù, parmesan", "18", []),
                                        ("Grilled sea bass", "Fennel, capers, brown butter", "24", ["GF"]),
                                        ("Wild mushroom risotto", "Aged pecorino, thyme", "17", ["V", "GF"])]},
            {"name": "Desserts", "items": [("Olive oil cake", "Crème fraîche, orange", "7", ["V"]),
                                           ("Dark chocolate mousse", "Sea salt, hazelnut praline", "8", ["V", "GF"])]},
        ],
        "note": "V vegetarian, VG vegan, GF gluten free. Please tell us about any allergies.",
    },
    "gallery": {
        "title": "A look inside", "subtitle": "The dining room, the kitchen and the plates that leave it.",
        "items": [("The dining room", "Candlelight from 7 pm", "moon"), ("The pass", "Where every plate is checked", "stripes"),
                  ("Market morning", "Choosing today's produce", "sun"), ("Fresh pasta", "Rolled by hand each afternoon", "circles"),
                  ("The terrace", "Summer evenings outside", "hills"), ("Herbs", "From our rooftop garden", "leaf")],
    },
    "testimonials": {
        "title": "Guests' words",
        "items": [("Every dish was better than the last. The staff guided us through the wine list beautifully.",
                   "Helena Marques", "Anniversary dinner"),
                  ("A menu that changes with the market and never misses. Our favourite table{in_city}.",
                   "James Park", "Regular guest"),
                  ("We booked the private room for a birthday: flawless service and food everyone still talks about.",
                   "Sara Lopes", "Private dining")],
    },
    "team": {"title": "In the kitchen", "items": [("Tiago Ferreira", "Head chef", "Cooked in Lisbon and London before opening {name}."),
                                                ("Maya Costa", "Sous chef", "In charge of our fresh pasta."),
                                                ("Luis Santos", "Sommelier", "Finds the small growers on our list."),
                                                ("Rita Gomes", "Restaurant manager", "Makes every guest feel at home.")]},
    "faq": {"items": [("Do you take walk-ins?", "We keep a few tables and the bar for walk-ins every evening; booking "
                       "is the safest way to get a table."),
                      ("Can you cater for allergies?", "Yes. Tell us when you book and our chefs will adapt the dishes."),
                      ("Do you host private events?", "Our private room seats up to 20 guests. Send us a message with "
                       "your date."),
                      ("Is there a dress code?", "No. Come as you are.")]},
    "booking": {"title": "Book a table", "subtitle": "Reserve online in a minute. For groups over 8, send us a "
                "message instead.", "submit": "Request booking", "party_label": "Guests",
                "success": "Thank you! We will confirm your table by email shortly."},
    "contact": {"title": "Get in touch", "subtitle": "Private dining, gift vouchers or a question about the menu.",
                "submit": "Send message", "success": "Thank you! We will reply within a day."},
    "hours": [("Tuesday – Thursday", "18:30 – 23:00"), ("Friday – Saturday", "12:30 – 15:00, 18:30 – 23:30"),
              ("Sunday", "12:30 – 16:00")],
    "stats": [("40", "seats"), ("120", "wines on the list"), ("Daily", "new market dishes"), ("20", "guests in the private room")],
    "cta": {"title": "Celebrating something?", "text": "Our private room seats 20 with a menu made for the occasion.",
            "label": "Plan your event"},
    "footer": "Seasonal cooking and small-grower wines{in_city}.",
}

DECKS["portfolio"] = {
    "hero": {
        "eyebrow": ["Independent {noun}", "Design & illustration"],
        "title": ["Clear ideas, carefully made", "Work that says what it means", "Thoughtful design for people who care"],
        "subtitle": "I am {name}. I help brands, publishers and small teams turn complicated ideas into clear, "
                    "memorable work: identities, editorial illustration and websites.",
        "primary": ("See my work", "gallery"), "secondary": ("Get in touch", "contact-form"),
        "highlights": ["10+ years of practice", "Clients in 12 countries", "Available from next month"],
        "note": "Currently booking projects for next quarter",
    },
    "about": {
        "title": "About me",
        "text": ["For more than ten years I have worked with studios, publishers and start-ups on identities, "
                 "editorial illustration and digital products. I like projects where good thinking matters as much as "
                 "good looks.",
                 "I work directly with every client, from the first sketch to the final file, and I keep my calendar "
                 "small so every project gets my full attention."],
        "highlights": ["Identity & branding", "Editorial illustration", "Web design"],
    },
    "features": {
        "title": "What I do", "subtitle": "Focused services, delivered personally.",
        "items": [("heart", "Brand identity", "Logos, type and colour systems that feel like you and work everywhere."),
                  ("globe", "Websites", "Clear, fast, accessible sites designed around what your visitors need."),
                  ("bolt", "Illustration", "Editorial and product illustrations with a distinct, warm line."),
                  ("chart", "Art direction", "Shoots and campaigns that stay consistent from idea to print.")],
    },
    "gallery": {
        "title": "Selected work", "subtitle": "A few recent projects. Full case studies on request.",
        "items": [("Harbour Books", "Identity for an independent publisher", "stripes"),
                  ("The Quiet Issue", "Editorial illustrations for a magazine", "moon"),
                  ("Fieldwork", "Website for a research collective", "hills"),
                  ("Bloom Festival", "Posters and signage", "sun"),
                  ("Verde Market", "Packaging for a grocery brand", "leaf"),
                  ("Orbit", "Product illustrations for an app", "circles")],
    },
    "testimonials": {
        "title": "Kind words",
        "items": [("{name} understood our brief better than we did and delivered an identity we still love years later.",
                   "Laura Mendes", "Founder, Harbour Books"),
                  ("Fast, thoughtful and a joy to work with. The illustrations lifted the whole issue.",
                   "Chris Walker", "Art director, The Quiet Issue"),
                  ("Clear process, clear communication and a beautiful result.", "Nadia Rahman", "Product lead, Orbit")],
    },
    "faq": {"items": [("How do projects start?", "With a short call about your goals, then a written proposal with scope, "
                       "timeline and a fixed price."),
                      ("How long does a project take?", "Identities take four to eight weeks; illustrations one to three."),
                      ("Do you work with clients abroad?", "Yes, most of my clients are remote.")]},
    "contact": {"title": "Let's work together", "subtitle": "Tell me about your project, your timeline and your "
                "budget. I reply to every message within two working days.", "submit": "Send enquiry",
                "success": "Thank you! I will reply within two working days."},
    "stats": [("10+", "years of practice"), ("120", "projects delivered"), ("12", "countries"), ("2 days", "to reply")],
    "cta": {"title": "Have a project in mind?", "text": "I take on a few new projects each quarter.", "label": "Start a project"},
    "footer": "Independent design and illustration.",
}

DECKS["photography"] = {
    **DECKS["portfolio"],
    "hero": {
        "eyebrow": ["Photography{in_city}", "Weddings, portraits & brands"],
        "title": ["Moments, honestly captured", "Photographs that feel like you", "Light, people and the stories between"],
        "subtitle": "{name} photographs weddings, portraits and brands with a quiet, documentary eye: natural light, "
                    "real moments, no stiff poses.",
        "primary": ("View the gallery", "gallery"), "secondary": ("Check availability", "contact-form"),
        "highlights": ["Natural light", "Full-resolution galleries", "Delivered in three weeks"],
        "note": "Now booking next season",
    },
    "gallery": {
        "title": "Recent stories", "subtitle": "A few favourite frames from recent weddings, portraits and shoots.",
        "items": [("Golden hour", "A hillside wedding at sunset", "sun"), ("First dance", "Candlelit reception", "moon"),
                  ("Portraits", "Family session by the sea", "hills"), ("Details", "Flowers, rings and handwritten vows", "leaf"),
                  ("Brand story", "A ceramic studio at work", "circles"), ("City nights", "Editorial shoot downtown", "stripes")],
    },
    "pricing": {
        "title": "Packages", "subtitle": "Every package includes an online gallery and full-resolution files.",
        "plans": [("Portrait session", "One hour, one location, 40 edited photos.", 250, None,
                   ["1 hour", "1 location", "40 edited photos", "Online gallery"], False),
                  ("Elopement", "Up to four hours for small weddings.", 900, None,
                   ["Up to 4 hours", "Two locations", "200+ edited photos", "Print-ready files"], True),
                  ("Full wedding", "From getting ready to the first dance.", 2200, None,
                   ["Up to 10 hours", "Second photographer", "600+ edited photos", "Fine-art album"], False)],
    },
    "testimonials": {
        "title": "From our couples & clients",
        "items": [("We barely noticed the camera, and the photos made us cry. Every moment is there.",
                   "Beatriz & Hugo", "Wedding couple"),
                  ("Our team portraits finally look like us: relaxed, warm and professional.", "Kim Lee",
                   "Founder, Studio Clay"),
                  ("The gallery arrived early and every single frame was beautiful.", "Emma Carter", "Family session")],
    },
    "contact": {"title": "Check availability", "subtitle": "Tell us your date, place and what you have in mind. "
                "We reply within two days.", "submit": "Send enquiry", "success": "Thank you! We will reply within two days."},
    "footer": "Documentary photography for weddings, portraits and brands{in_city}.",
}

DECKS["saas"] = {
    "hero": {
        "eyebrow": ["New: automations are here", "Built for small teams"],
        "title": ["Plan, track and ship without the chaos", "Your team's work, finally in one place",
                  "Less busywork. More done."],
        "subtitle": "{name} brings tasks, docs and deadlines together so your team always knows what matters next. "
                    "Set up in minutes, no training needed.",
        "primary": ("Start free trial", "pricing"), "secondary": ("See features", "features"),
        "highlights": ["Free for 14 days", "No credit card", "Cancel any time"],
        "note": "Trusted by 3,000+ teams",
    },
    "features": {
        "title": "Everything your team needs, nothing it does not",
        "subtitle": "{name} replaces the scattered tools and status meetings with one calm, fast workspace.",
        "items": [("bolt", "Fast by design", "Every view loads instantly, even with thousands of tasks."),
                  ("chart", "Clear progress", "Live dashboards show what is on track and what needs help."),
                  ("clock", "Automations", "Routine updates, reminders and hand-offs happen on their own."),
                  ("shield", "Secure by default", "SSO, audit logs and encryption on every plan."),
                  ("globe", "Works everywhere", "Web, desktop and mobile apps that stay in sync."),
                  ("heart", "Loved by teams", "Simple enough for everyone, powerful enough for leads.")],
    },
    "stats": [("3,000+", "teams"), ("4.8/5", "average rating"), ("38%", "fewer status meetings"), ("99.99%", "uptime")],
    "pricing": {
        "title": "Simple pricing that scales with you", "subtitle": "Start free. Pay yearly and get two months free.",
        "period": "per user / month",
        "plans": [("Starter", "For small teams getting organised.", 0, 0,
                   ["Up to 5 people", "Unlimited tasks", "Basic dashboards"], False),
                  ("Team", "For growing teams that ship every week.", 12, 120,
                   ["Unlimited people", "Automations", "Advanced dashboards", "Priority support"], True),
                  ("Business", "For organisations that need control.", 29, 290,
                   ["SSO & audit logs", "Custom roles", "Dedicated success manager", "99.99% SLA"], False)],
    },
    "testimonials": {
        "title": "Teams ship more with {name}",
        "items": [("We dropped two tools and half our status meetings in the first month.", "Priya Nair",
                   "Head of Product, Loomly"),
                  ("Set up in an afternoon; the whole company was using it by Monday.", "Marcus Bell", "COO, Brightwave"),
                  ("The automations alone save each of us an hour a week.", "Elena Rossi", "Engineering Lead, Tessera")],
    },
    "faq": {"items": [("Is there a free trial?", "Yes: every paid plan has a 14-day free trial, no credit card needed."),
                      ("Can I import from other tools?", "Yes. Import from spreadsheets and popular tools in a few clicks."),
                      ("Is my data secure?", "Data is encrypted in transit and at rest, with daily backups and SSO on "
                       "the Business plan."),
                      ("Can I change plans later?", "Upgrade, downgrade or cancel at any time from your settings."),
                      ("Do you offer discounts for non-profits?", "Yes, 50% off any plan. Contact us to apply.")]},
    "cta": {"title": "Ready to get your team in sync?", "text": "Start your free 14-day trial today. No credit card needed.",
            "label": "Start free trial"},
    "contact": {"title": "Talk to us", "subtitle": "Questions about plans, security or onboarding? Our team replies "
                "within one business day.", "submit": "Send message", "success": "Thanks! We will be in touch within one business day."},
    "newsletter": {"title": "Product updates, monthly", "text": "New features and tips from the {name} team. No spam."},
    "team": {"title": "The team behind {name}", "items": [("Ava Thompson", "CEO & co-founder", "Built tools for remote teams for a decade."),
                                                        ("Noah Kim", "CTO & co-founder", "Obsessed with speed and reliability."),
                                                        ("Sara Ortiz", "Head of Design", "Makes complex things feel simple."),
                                                        ("Liam Walsh", "Customer Success", "Helps every team get set up.")]},
    "footer": "The calm workspace for busy teams.",
}

DECKS["landing"] = {
    **DECKS["saas"],
    "hero": {
        "eyebrow": ["Introducing {name}", "Now available"],
        "title": ["A better way to get things done", "Simple, thoughtful and ready when you are"],
        "subtitle": "{name} makes the everyday easier: clear, friendly and built around what you actually need.",
        "primary": ("Get started", "contact-form"), "secondary": ("Learn more", "features"),
        "highlights": ["Quick to start", "Friendly support", "No long contracts"],
        "note": "Join hundreds of happy customers",
    },
    "features": {
        "title": "Why people choose {name}", "subtitle": "Everything important, nothing in the way.",
        "items": [("bolt", "Quick to start", "Up and running in minutes, with help whenever you need it."),
                  ("heart", "Made with care", "Every detail considered, from first visit to follow-up."),
                  ("shield", "Dependable", "Clear terms, no surprises and support that answers."),
                  ("clock", "Saves time", "Spend less time on admin and more on what matters.")],
    },
    "contact": {"title": "Get in touch", "subtitle": "Questions or ideas? Send us a message and we will reply within a day.",
                "submit": "Send message", "success": "Thank you! We will reply within a day."},
    "footer": "{name}: simple, thoughtful, ready when you are.",
}

DECKS["shop"] = {
    "hero": {
        "eyebrow": ["Handmade in small batches", "New collection out now"],
        "title": ["Made by hand, made to last", "Small-batch goods for everyday joy", "Beautiful things, thoughtfully made"],
        "subtitle": "{name} makes and curates small-batch goods from natural materials. Every piece is made by hand, "
                    "packed without plastic and shipped with care.",
        "primary": ("Shop the collection", "product-grid"), "secondary": ("Our story", "features"),
        "highlights": ["Free shipping over {cur}60", "30-day returns", "Plastic-free packaging"],
        "note": "Ships in 2 to 3 working days",
    },
    "features": {
        "title": "Why shop with us", "subtitle": "Small business, big care.",
        "items": [("heart", "Handmade", "Each piece is made by hand in our studio, so no two are quite the same."),
                  ("globe", "Natural materials", "Clay, cotton, wood and wax from suppliers we know by name."),
                  ("shield", "Easy returns", "Changed your mind? Send it back within 30 days."),
                  ("clock", "Fast dispatch", "Orders leave our studio within three working days.")],
    },
    "products": [("Stoneware mug", "Speckled glaze, holds 350 ml", "28", "Bestseller", "Mugs"),
                 ("Serving bowl", "Hand-thrown, food safe, 24 cm", "54", None, "Tableware"),
                 ("Linen napkins, set of 4", "Stonewashed, natural dye", "36", "New", "Linen"),
                 ("Soy candle", "Fig & cedar, 40-hour burn", "24", None, "Candles"),
                 ("Bud vase", "Matte white, 12 cm", "22", None, "Vases"),
                 ("Gift box", "Mug, candle and a handwritten card", "65", "Gift idea", "Gifts")],
    "testimonials": {
        "title": "Happy homes",
        "items": [("The mugs are even more beautiful in person, and the packaging was lovely.", "Olivia Grant", "Verified buyer"),
                  ("My go-to for gifts: everything feels special and arrives quickly.", "Sam Patel", "Repeat customer"),
                  ("A chipped bowl was replaced in two days, no questions asked. Wonderful service.", "Lena Fischer",
                   "Verified buyer")],
    },
    "faq": {"items": [("How long does shipping take?", "Orders leave our studio in 2 to 3 working days; delivery takes 2 to "
                       "5 more."),
                      ("Do you ship abroad?", "Yes, to most of Europe and North America. Rates are shown at checkout."),
                      ("Can I return an item?", "Yes, within 30 days, unused and in its original packaging."),
                      ("Are the pieces dishwasher safe?", "Our stoneware is; we recommend hand-washing linen and wood.")]},
    "newsletter": {"title": "First look at new collections", "text": "Join our list for new pieces, studio news and "
                   "10% off your first order."},
    "contact": {"title": "Questions about an order?", "subtitle": "Write to us and we will reply within one working day.",
                "submit": "Send message", "success": "Thank you! We will reply within one working day."},
    "gallery": {"title": "In the studio", "subtitle": "Where everything is made.",
                "items": [("The wheel", "Throwing the week's mugs", "circles"), ("Glazing", "Mixing our speckled glaze", "stripes"),
                          ("Kiln day", "Firing to 1240°C", "sun"), ("Packing", "Plastic-free and padded", "leaf")]},
    "stats": [("4,000+", "happy customers"), ("100%", "handmade"), ("0", "plastic in our packaging"), ("30 days", "returns")],
    "cta": {"title": "Looking for a gift?", "text": "Our gift boxes come wrapped with a handwritten card.", "label": "Shop gifts"},
    "footer": "Handmade goods, made slowly and shipped with care.",
}

DECKS["blog"] = {
    "hero": {
        "eyebrow": ["A journal about {topic}", "Stories, notes and guides"],
        "title": ["Notes from the slow lane", "Stories worth taking your time over", "Good things, written slowly"],
        "subtitle": "{name} is an independent journal about {topic}: long reads, practical guides and small "
                    "discoveries, published every other week.",
        "primary": ("Read the latest", "blog-list"), "secondary": ("Subscribe", "newsletter"),
        "highlights": ["New story every other Sunday", "No ads, ever", "Free to read"],
        "note": "Read by 8,000 subscribers",
    },
    "posts": [("Why I stopped rushing, and what I found instead", "Slowing down changed how I travel, eat and work. "
               "Here is what a year at a different pace taught me.", "Essay", "6 min read"),
              ("A weekend guide to doing less, better", "Three days, no itinerary, one good market: a simple plan for "
               "a restful trip.", "Guide", "8 min read"),
              ("The kitchen notebook: ten recipes from the road", "Dishes I learned from the people I met, adapted "
               "for a small kitchen at home.", "Recipes", "10 min read"),
              ("Packing light without missing anything", "The short list that has carried me through forty trips.",
               "Practical", "5 min read"),
              ("Letters from the harbour", "A week in a fishing town, told through the people who live there.",
               "Story", "7 min read"),
              ("What to read on a long train ride", "Twelve books that make the miles disappear.", "Reading list",
               "4 min read")],
    "about": {
        "title": "About this journal",
        "text": ["{name} is written by one curious person with a notebook, a camera and too many questions. It "
                 "started as letters to friends and grew into a small, independent journal about {topic}.",
                 "There are no ads and no sponsored posts: just stories and guides I would want to read myself."],
        "highlights": ["Independent", "Reader-supported", "Every other Sunday"],
    },
    "newsletter": {"title": "Get new stories by email", "text": "One email every other Sunday with the latest story "
                   "and a few things worth your time. Unsubscribe with one click."},
    "contact": {"title": "Write to me", "subtitle": "Story ideas, corrections or just hello: I read every message.",
                "submit": "Send message", "success": "Thank you! I read every message."},
    "stats": [("8,000", "subscribers"), ("120", "stories"), ("0", "ads"), ("2", "weeks between issues")],
    "testimonials": {"title": "Readers say",
                     "items": [("The one newsletter I open the moment it arrives.", "Hannah Cole", "Reader since 2022"),
                               ("Thoughtful, beautifully written and genuinely useful.", "Rafael Dias", "Subscriber"),
                               ("It made me plan my trips differently.", "Mei Lin", "Subscriber")]},
    "footer": "An independent journal about {topic}.",
}

DECKS["event"] = {
    "hero": {
        "eyebrow": ["{city} · this autumn", "Two days of talks and workshops"],
        "title": ["Two days that move your work forward", "Ideas, people and the conversations that follow",
                  "Where the community meets"],
        "subtitle": "{name} brings together practitioners for talks, hands-on workshops and the hallway "
                    "conversations you will remember{in_city}.",
        "primary": ("Get your ticket", "booking-form"), "secondary": ("See the schedule", "schedule"),
        "highlights": ["30+ speakers", "12 workshops", "600 attendees"],
        "note": "Early-bird tickets available until the end of the month",
    },
    "about": {
        "title": "About {name}",
        "text": ["{name} is an independent, community-run gathering for people who build things. Every talk is "
                 "chosen for what you can take home and use on Monday.",
                 "Expect honest stories, practical workshops and plenty of time to meet each other between sessions."],
        "highlights": ["Community-run", "Practical talks", "Accessible venue"],
    },
    "schedule": {
        "title": "Schedule", "subtitle": "Day one at a glance. The full programme is published four weeks before.",
        "items": [("09:00", "Doors open & breakfast", "Registration, coffee and pastries", "Main hall"),
                  ("10:00", "Opening keynote", "Where our craft is heading next", "Main stage"),
                  ("11:30", "Workshops, round one", "Six hands-on sessions, 90 minutes each", "Rooms A–F"),
                  ("13:00", "Lunch", "Local food, vegetarian and vegan options", "Courtyard"),
                  ("14:30", "Talks: lessons from the field", "Four short talks and a live Q&A", "Main stage"),
                  ("18:00", "Community evening", "Drinks, music and conversation", "Rooftop")],
    },
    "team": {"title": "Speakers", "subtitle": "Practitioners sharing what they have learned the hard way.",
             "items": [("Amara Okoye", "Principal engineer", "Scaled systems for millions of users."),
                       ("Jonas Berg", "Design lead", "Builds tools that designers love."),
                       ("Lucía Romero", "Founder", "Bootstrapped a product to 50 people."),
                       ("Kenji Watanabe", "Researcher", "Studies how teams make decisions.")]},
    "faq": {"items": [("Can I get a refund?", "Tickets are refundable up to 30 days before the event and transferable "
                       "at any time."),
                      ("Is the venue accessible?", "Yes: step-free access, a quiet room and live captions on the main "
                       "stage."),
                      ("Will talks be recorded?", "Talks are recorded and shared with attendees after the event."),
                      ("Do you offer student tickets?", "Yes, at a 50% discount with a valid student card.")]},
    "booking": {"title": "Get your ticket", "subtitle": "Reserve your place now; we will email your ticket and an "
                "invoice.", "submit": "Reserve my place", "party_label": "Tickets",
                "times": ["Both days", "Day one only", "Day two only"],
                "success": "You are in! Your ticket is on its way by email."},
    "contact": {"title": "Questions?", "subtitle": "Sponsorship, speaking or accessibility: write to the team.",
                "submit": "Send message", "success": "Thank you! The team will reply soon."},
    "hours": [("Day one", "09:00 – 22:00"), ("Day two", "09:00 – 18:00")],
    "stats": [("30+", "speakers"), ("12", "workshops"), ("600", "attendees"), ("2", "days")],
    "cta": {"title": "Don't miss it", "text": "Early-bird tickets end this month.", "label": "Get your ticket"},
    "pricing": {"title": "Tickets", "subtitle": "All tickets include lunch, coffee and the community evening.",
                "plans": [("Student", "With a valid student card.", 99, None, ["Both days", "All talks", "Lunch included"], False),
                          ("Standard", "Full access to everything.", 299, None,
                           ["Both days", "Talks & workshops", "Community evening", "Recordings"], True),
                          ("Team of 5", "Bring the whole team.", 1290, None, ["5 standard tickets", "Reserved seating",
                                                                              "Team photo"], False)]},
    "footer": "An independent, community-run event{in_city}.",
}

DECKS["wedding"] = {
    **DECKS["event"],
    "hero": {
        "eyebrow": ["We are getting married", "Save the date"],
        "title": ["{name}", "Join us as we say yes"],
        "subtitle": "We would love you to celebrate with us. Here you will find the day's schedule, travel tips and "
                    "the RSVP form.",
        "primary": ("RSVP", "booking-form"), "secondary": ("The day", "schedule"),
        "highlights": ["Ceremony at 16:00", "Dinner & dancing", "RSVP by the end of next month"],
        "note": "Dress code: summer formal",
    },
    "about": {"title": "Our story", "text": ["We met on a rainy afternoon, sharing the last table in a crowded café. "
                                             "Years, trips and one very nervous proposal later, we are getting married.",
                                             "Nothing would make us happier than having you there."],
              "highlights": ["Ceremony", "Dinner", "Dancing"]},
    "schedule": {"title": "The day", "subtitle": "Timings for the celebration.",
                 "items": [("15:30", "Guests arrive", "Welcome drinks in the garden", "Garden"),
                           ("16:00", "Ceremony", "Please be seated by 15:50", "Chapel"),
                           ("17:00", "Photos & aperitivo", "Cocktails and canapés", "Terrace"),
                           ("19:00", "Dinner", "Speeches between courses", "Great hall"),
                           ("21:30", "First dance", "And then everybody dances", "Great hall")]},
    "team": {"title": "The wedding party", "subtitle": "The people who will help you on the day.",
             "items": [("Carla", "Maid of honour", "Ask her anything about the day."),
                       ("Miguel", "Best man", "In charge of the playlist."),
                       ("Sofia", "Bridesmaid", "Knows the best spots for photos."),
                       ("André", "Groomsman", "Will point you to the bar.")]},
    "faq": {"items": [("Can I bring a plus one?", "If your invitation includes a guest, their name will be on it. "
                       "Ask us if you are unsure."),
                      ("Are children welcome?", "We love your little ones, but this will be an adults-only celebration."),
                      ("Where should I stay?", "There are several hotels nearby; we will email recommendations with "
                       "your confirmation."),
                      ("Is there parking?", "Yes, free parking at the venue.")]},
    "booking": {"title": "RSVP", "subtitle": "Please let us know if you can make it and about any dietary needs.",
                "times": ["Ceremony and dinner", "Evening party only", "Sadly, we can't come"],
                "submit": "Send RSVP", "party_label": "Guests", "success": "Thank you! We can't wait to celebrate with you."},
    "hours": [("Ceremony", "16:00"), ("Dinner", "19:00"), ("Carriages", "01:00")],
    "footer": "With love, {name}.",
}

DECKS["agency"] = {
    "hero": {
        "eyebrow": ["Strategy, brand & digital", "Independent agency{in_city}"],
        "title": ["We make brands people choose", "Ideas that move markets", "Bold work for ambitious brands"],
        "subtitle": "{name} is a senior team of strategists, designers and engineers. We help ambitious companies "
                    "find their voice, launch products and grow.",
        "primary": ("Start a project", "contact-form"), "secondary": ("See our work", "gallery"),
        "highlights": ["Senior team only", "Fixed-price proposals", "Results we measure"],
        "note": "Trusted by 80+ brands",
    },
    "features": {
        "title": "What we do", "subtitle": "From first insight to launch, under one roof.",
        "items": [("chart", "Strategy", "Research, positioning and a plan everyone understands."),
                  ("heart", "Brand identity", "Names, logos, voice and systems that scale."),
                  ("globe", "Websites & products", "Fast, accessible sites and apps built to convert."),
                  ("bolt", "Campaigns", "Launches and content that get people talking."),
                  ("clock", "Growth", "Experiments, analytics and steady improvements."),
                  ("shield", "Ongoing support", "A partner on call after launch.")],
    },
    "stats": [("80+", "brands launched"), ("3.2x", "average lift in leads"), ("14", "awards"), ("12 yrs", "in business")],
    "gallery": {"title": "Case studies", "subtitle": "Selected projects and what they achieved.",
                "items": [("Northwind Bank", "Rebrand: +40% new accounts", "stripes"),
                          ("Greenloop", "Launch campaign: 1M views in a week", "leaf"),
                          ("Atlas Travel", "New booking site: conversion doubled", "hills"),
                          ("Solstice", "Identity for a solar start-up", "sun"),
                          ("Night Owl Radio", "App design and brand", "moon"),
                          ("Circle Health", "Patient portal redesign", "circles")]},
    "team": {"title": "The team", "items": [("Maya Brooks", "Founder & strategy director", "15 years building brands."),
                                          ("Diego Alvarez", "Creative director", "Award-winning identities."),
                                          ("Hannah Weiss", "Technology lead", "Ships fast, accessible sites."),
                                          ("Omar Haddad", "Growth lead", "Turns data into decisions.")]},
    "testimonials": {"title": "Client results",
                     "items": [("They reframed our whole story. Six months on, leads are up threefold.", "Rachel Green",
                                "CMO, Northwind Bank"),
                               ("A senior team that actually listens, and delivers on time.", "Tom Hughes", "Founder, Greenloop"),
                               ("The best agency decision we have made.", "Ana Pires", "CEO, Atlas Travel")]},
    "faq": {"items": [("How do you price projects?", "Fixed-price proposals after a free discovery call."),
                      ("How long does a rebrand take?", "Typically eight to twelve weeks."),
                      ("Do you work with start-ups?", "Yes, from seed stage to listed companies.")]},
    "contact": {"title": "Start a project", "subtitle": "Tell us about your goals and timeline. We reply within one "
                "business day with next steps.", "submit": "Send brief", "success": "Thanks! We will be in touch within one business day."},
    "cta": {"title": "Let's build something bold", "text": "Book a free 30-minute discovery call.", "label": "Book a call"},
    "footer": "Strategy, brand and digital for ambitious companies.",
}

DECKS["fitness"] = {
    "hero": {
        "eyebrow": ["Classes for every body{in_city}", "Your first class is free"],
        "title": ["Move better, feel stronger", "Find your strength, at your pace", "Stronger every week"],
        "subtitle": "{name} offers small-group classes and personal coaching in a welcoming {noun}. "
                    "Beginners welcome: our coaches meet you where you are.",
        "primary": ("Book a free class", "contact-form"), "secondary": ("See the timetable", "schedule"),
        "highlights": ["Small classes", "Expert coaches", "First class free"],
        "note": "Classes from 6:30 am, seven days a week",
    },
    "features": {
        "title": "Classes & coaching", "subtitle": "Something for every level and every goal.",
        "items": [("heart", "Beginner friendly", "Foundations classes that teach you the basics safely."),
                  ("bolt", "Strength & conditioning", "Build real strength with coached, progressive sessions."),
                  ("clock", "Flexible timetable", "Early, lunchtime and evening classes every day."),
                  ("shield", "Personal coaching", "One-to-one plans built around your goals.")],
    },
    "schedule": {"title": "Weekly timetable", "subtitle": "Book your spot online; classes hold up to 12 people.",
                 "items": [("Mon 07:00", "Morning flow", "Gentle movement to start the week", "Studio 1"),
                           ("Mon 18:30", "Strength foundations", "Technique-first strength training", "Studio 2"),
                           ("Wed 12:30", "Lunchtime express", "A focused 40-minute session", "Studio 1"),
                           ("Thu 19:00", "Power class", "High-energy, all levels", "Studio 2"),
                           ("Sat 09:30", "Weekend long class", "75 minutes to reset", "Studio 1"),
                           ("Sun 10:00", "Restore & stretch", "Mobility and recovery", "Studio 1")]},
    "pricing": {"title": "Memberships", "subtitle": "No joining fee. Pause or cancel any time.", "period": "per month",
                "plans": [("Drop-in", "Pay as you go.", 15, None, ["One class", "Mat & towel included"], False),
                          ("Unlimited", "Our most popular membership.", 89, None,
                           ["Unlimited classes", "Free guest pass monthly", "Members' workshops"], True),
                          ("Coaching", "One-to-one support.", 199, None,
                           ["4 private sessions", "Personal plan", "Unlimited classes"], False)]},
    "team": {"title": "Your coaches", "items": [("Lena Duarte", "Head coach", "Certified coach with 12 years' experience."),
                                              ("Marco Silva", "Strength coach", "Former athlete, patient teacher."),
                                              ("Aisha Bello", "Mobility specialist", "Helps you move without pain."),
                                              ("Ben Carter", "Beginner classes", "Makes first classes fun.")]},
    "testimonials": {"title": "Member stories",
                     "items": [("I was nervous to start. Six months later I am stronger than ever and I look forward to "
                                "every class.", "Clara M.", "Member since last spring"),
                               ("Small classes mean the coaches actually correct your form.", "David R.", "Unlimited member"),
                               ("The friendliest {noun}{in_city}. It feels like a community.", "Sophie L.", "Member")]},
    "faq": {"items": [("I am a complete beginner. Can I join?", "Absolutely. Start with a foundations class; coaches adapt "
                       "every exercise."),
                      ("What should I bring?", "Comfortable clothes and water. We provide mats and towels."),
                      ("Can I freeze my membership?", "Yes, for up to two months a year.")]},
    "contact": {"title": "Book your free class", "subtitle": "Tell us a little about you and we will find the right first "
                "class.", "submit": "Book my free class", "success": "You are booked in! We will email the details."},
    "hours": [("Monday – Friday", "06:30 – 21:00"), ("Saturday – Sunday", "08:00 – 14:00")],
    "stats": [("12", "people max per class"), ("40+", "classes a week"), ("6", "expert coaches"), ("1st", "class free")],
    "cta": {"title": "Your first class is on us", "text": "Come and try a class this week.", "label": "Book a free class"},
    "footer": "Small-group classes and coaching{in_city}.",
}

DECKS["salon"] = {
    "hero": {
        "eyebrow": ["{Noun}{in_city}", "Book online in a minute"],
        "title": ["Look good, feel better", "Time for you", "Your best look, done beautifully"],
        "subtitle": "{name} is a relaxed {noun} with experienced stylists, quality products and time "
                    "set aside for every client. Walk out feeling like yourself, only better.",
        "primary": ("Book an appointment", "booking-form"), "secondary": ("Prices", "pricing"),
        "highlights": ["Experienced stylists", "Cruelty-free products", "Online booking"],
        "note": "Open late on Thursdays",
    },
    "features": {"title": "Services", "subtitle": "Every appointment starts with a consultation.",
                 "items": [("heart", "Cuts & styling", "Precision cuts and blow-dries tailored to you."),
                           ("bolt", "Colour", "Balayage, highlights and full colour with gentle products."),
                           ("shield", "Treatments", "Repair and gloss treatments for healthy hair."),
                           ("clock", "Occasions", "Wedding and event styling, at the salon or on location.")]},
    "pricing": {"title": "Price list", "subtitle": "Prices depend on length and stylist; we confirm at consultation.",
                "plans": [("Cut & finish", "Consultation, wash, cut and blow-dry.", 45, None,
                           ["Consultation", "Wash & treatment", "Cut & style"], False),
                          ("Colour & cut", "Our most booked appointment.", 110, None,
                           ["Full colour or highlights", "Gloss", "Cut & style"], True),
                          ("Bridal", "Trial plus the big day.", 180, None, ["Trial session", "On-the-day styling",
                                                                           "Touch-up kit"], False)]},
    "gallery": {"title": "Recent work", "subtitle": "A few looks from our chairs this month.",
                "items": [("Soft balayage", "Sun-kissed, low maintenance", "sun"), ("Sharp bob", "Precision cut", "stripes"),
                          ("Curls", "Cut for natural texture", "circles"), ("Bridal", "Romantic updo", "leaf")]},
    "team": {"title": "Our stylists", "items": [("Isabel Rocha", "Creative director", "Colour specialist, 15 years."),
                                              ("Tomás Vieira", "Senior stylist", "Known for sharp cuts."),
                                              ("Nina Kaur", "Stylist", "Curly and textured hair expert."),
                                              ("Eva Lopes", "Junior stylist", "Blow-dries that last all week.")]},
    "testimonials": {"title": "Client love",
                     "items": [("Finally a {noun} that listens. My colour has never looked this good.", "Joana P.", "Client"),
                               ("Relaxed, friendly and so skilled. I leave feeling great every time.", "Mark T.", "Regular"),
                               ("They did my wedding hair and it held all night.", "Ana C.", "Bride")]},
    "faq": {"items": [("Do I need a consultation for colour?", "For first-time colour we do a quick patch test 48 hours "
                       "before."),
                      ("What is your cancellation policy?", "Please give us 24 hours' notice so we can offer the slot to "
                       "someone else.")]},
    "booking": {"title": "Book an appointment", "subtitle": "Pick a service and a time that suits you; we confirm by email.",
                "times": ["10:00", "11:00", "12:00", "14:00", "15:00", "16:00", "17:00", "18:00"],
                "submit": "Request appointment", "party_label": None, "service_label": "Service",
                "success": "Thank you! We will confirm your appointment by email."},
    "hours": [("Tuesday – Wednesday", "10:00 – 19:00"), ("Thursday", "10:00 – 21:00"), ("Friday – Saturday", "09:00 – 18:00")],
    "stats": [("15 yrs", "experience"), ("4", "stylists"), ("4.9", "average review"), ("100%", "cruelty-free")],
    "cta": {"title": "Treat yourself this week", "text": "Appointments available from tomorrow.", "label": "Book now"},
    "footer": "A relaxed {noun}{in_city}.",
}

DECKS["clinic"] = {
    "hero": {
        "eyebrow": ["{Noun}{in_city}", "Accepting new patients"],
        "title": ["Expert care, close to home", "Gentle, modern care for the whole family", "Your health in good hands"],
        "subtitle": "{name} offers unhurried appointments with experienced clinicians, clear explanations and "
                    "modern equipment. New patients are welcome.",
        "primary": ("Book an appointment", "booking-form"), "secondary": ("Our services", "features"),
        "highlights": ["Same-week appointments", "Evening slots", "Most insurers accepted"],
        "note": "Emergency slots held every day",
    },
    "about": {"title": "About the practice",
              "text": ["{name} was founded by clinicians who wanted to give patients more time and clearer answers. "
                       "We explain every option and its cost before we begin.",
                       "Our practice is fully accessible, and our team speaks several languages."],
              "highlights": ["Clear costs up front", "Accessible building", "Multilingual team"]},
    "features": {"title": "Services", "subtitle": "Prevention, treatment and follow-up under one roof.",
                 "items": [("shield", "Check-ups", "Thorough examinations and advice to prevent problems."),
                           ("heart", "Treatment", "Modern, gentle treatments with clear plans and prices."),
                           ("clock", "Emergency care", "Same-day slots for urgent problems."),
                           ("chart", "Follow-up", "Reminders and reviews so nothing is missed.")]},
    "team": {"title": "Our clinicians", "items": [("Dr. Sara Moreira", "Lead clinician", "20 years of practice."),
                                                ("Dr. Paulo Reis", "Clinician", "Special interest in prevention."),
                                                ("Joana Cruz", "Hygienist & nurse", "Calm, careful, reassuring."),
                                                ("Luca Bianchi", "Practice manager", "Helps with bookings and insurance.")]},
    "testimonials": {"title": "What patients say",
                     "items": [("They took the time to explain everything. I have never felt so at ease.", "Helen W.", "Patient"),
                               ("Got an emergency slot the same morning. Professional and kind.", "Rui A.", "Patient"),
                               ("The whole family comes here now.", "Marta S.", "Patient since 2019")]},
    "faq": {"items": [("Are you accepting new patients?", "Yes. Book online or call us."),
                      ("Do you accept insurance?", "We work with most major insurers; bring your card to your first visit."),
                      ("What if I need urgent care?", "Call us in the morning: we keep emergency slots every day."),
                      ("Is the building accessible?", "Yes, with step-free access and an accessible bathroom.")]},
    "booking": {"title": "Book an appointment", "subtitle": "Choose a preferred date and time; we will confirm by email "
                "or phone.", "times": ["08:30", "09:30", "10:30", "11:30", "14:00", "15:00", "16:00", "17:30"], "submit": "Request appointment", "party_label": None, "service_label": "Reason for visit",
                "success": "Thank you! We will confirm your appointment shortly."},
    "contact": {"title": "Contact the practice", "subtitle": "Questions about treatment, costs or insurance.",
                "submit": "Send message", "success": "Thank you! We will reply within one working day."},
    "hours": [("Monday – Friday", "08:00 – 19:00"), ("Saturday", "09:00 – 13:00")],
    "stats": [("20 yrs", "caring for the community"), ("5,000+", "patients"), ("Same day", "emergency slots"), ("4.9", "patient rating")],
    "cta": {"title": "Due for a check-up?", "text": "Book online in under a minute.", "label": "Book now"},
    "footer": "Modern, gentle care{in_city}.",
}

DECKS["hotel"] = {
    "hero": {
        "eyebrow": ["Stay{in_city}", "Boutique stay"],
        "title": ["Slow down, you are here", "A quiet place to come back to", "Rest, well looked after"],
        "subtitle": "{name} has twelve calm rooms, a garden for long breakfasts and hosts who know every good "
                    "corner{of_city}.",
        "primary": ("Check availability", "booking-form"), "secondary": ("See the rooms", "pricing"),
        "highlights": ["Breakfast included", "Free cancellation", "Best rate when you book direct"],
        "note": "Book direct for a free welcome drink",
    },
    "about": {"title": "A small place with a big welcome",
              "text": ["{name} is a family-run house with twelve rooms, each with its own character. Mornings start "
                       "with a long breakfast of local bread, fruit and eggs from nearby farms.",
                       "We are happy to plan your days: walks, tables, tickets and hidden corners."],
              "highlights": ["12 rooms", "Family-run", "Local breakfast"]},
    "features": {"title": "Amenities", "subtitle": "Everything for an easy stay.",
                 "items": [("heart", "Breakfast included", "Local bread, fruit and eggs, served until 11."),
                           ("globe", "Local tips", "Our hosts plan your days with you."),
                           ("clock", "Flexible check-in", "Arrive when it suits you."),
                           ("shield", "Free cancellation", "Up to 48 hours before arrival.")]},
    "gallery": {"title": "Around the house", "subtitle": "Rooms, garden and the view.",
                "items": [("Garden breakfast", "Long mornings outside", "sun"), ("Double room", "Linen sheets and quiet", "moon"),
                          ("The terrace", "Sunset drinks", "hills"), ("The library", "Books and armchairs", "stripes"),
                          ("Courtyard", "Lemon trees and shade", "leaf"), ("Suite", "Space to spread out", "circles")]},
    "pricing": {"title": "Rooms & rates", "subtitle": "Per night, breakfast included. Best rates when you book direct.",
                "period": "per night",
                "plans": [("Cosy double", "Queen bed, garden view.", 120, None, ["Queen bed", "Garden view", "Rain shower"], False),
                          ("Superior double", "King bed and a balcony.", 160, None,
                           ["King bed", "Private balcony", "Bathtub"], True),
                          ("Family suite", "Two rooms for up to four.", 230, None, ["Two rooms", "Up to 4 guests", "Kitchenette"], False)]},
    "testimonials": {"title": "Guest reviews",
                     "items": [("The most relaxing stay we have had. The breakfast alone is worth the trip.", "Claire & Ian", "Stayed in May"),
                               ("Our host planned a perfect day for us. We felt like friends, not guests.", "Ahmed K.", "Stayed in June"),
                               ("Beautiful rooms, quiet nights, great location.", "Lucia F.", "Stayed in September")]},
    "booking": {"title": "Check availability", "subtitle": "Tell us your dates; we reply within a few hours with the "
                "best rate.", "times": ["Arriving before 15:00", "15:00 – 18:00", "18:00 – 22:00", "After 22:00"], "submit": "Check availability", "party_label": "Guests",
                "success": "Thank you! We will reply with availability within a few hours."},
    "hours": [("Check-in", "from 15:00"), ("Check-out", "until 11:00"), ("Reception", "08:00 – 22:00")],
    "stats": [("12", "rooms"), ("9.6", "guest rating"), ("11 am", "breakfast until"), ("48 h", "free cancellation")],
    "faq": {"items": [("Is breakfast included?", "Yes, every rate includes breakfast."),
                      ("Is there parking?", "Free parking for guests, on request."),
                      ("Do you accept pets?", "Well-behaved dogs are welcome in two of our rooms.")]},
    "cta": {"title": "Book direct, stay better", "text": "Our best rate and a welcome drink.", "label": "Check availability"},
    "footer": "A small, family-run place to stay{in_city}.",
}

DECKS["nonprofit"] = {
    "hero": {
        "eyebrow": ["Community-powered since 2012", "Registered charity"],
        "title": ["Together, we change what is possible", "Small acts, big change", "No one should face it alone"],
        "subtitle": "{name} supports families{in_city} with food, advice and a friendly face. Everything we do is "
                    "powered by volunteers and donors like you.",
        "primary": ("Donate today", "cta"), "secondary": ("Volunteer with us", "contact-form"),
        "highlights": ["90p of every pound to programmes", "300 volunteers", "Open to everyone"],
        "note": "Every gift makes a difference",
    },
    "about": {"title": "Our mission",
              "text": ["{name} started in a church hall with six volunteers and a table of donated food. Today we "
                       "support hundreds of families every week with food parcels, advice and companionship.",
                       "We believe in dignity, kindness and practical help, and we are proud to be run by our community."],
              "highlights": ["Food parcels", "Free advice", "Friendship"]},
    "stats": [("12,000", "meals shared last year"), ("300", "volunteers"), ("850", "families supported"), ("90%", "of funds to programmes")],
    "features": {"title": "What we do", "subtitle": "Practical help, offered with dignity.",
                 "items": [("heart", "Food support", "Weekly parcels of fresh and store-cupboard food."),
                           ("shield", "Advice", "Free help with benefits, debt and housing."),
                           ("globe", "Community meals", "A warm lunch and good company every Friday."),
                           ("clock", "Home visits", "Volunteers who check in on isolated neighbours.")]},
    "team": {"title": "Our team", "items": [("Grace Owusu", "Director", "Founded the charity in 2012."),
                                          ("Paul Mendes", "Volunteer coordinator", "Matches volunteers to roles."),
                                          ("Leah Stein", "Advice lead", "Qualified welfare adviser."),
                                          ("Tariq Ali", "Food bank manager", "Keeps the shelves full.")]},
    "cta": {"title": "Your gift feeds a family this week", "text": "{cur}25 pays for a week's food parcel.",
            "label": "Donate {cur}25"},
    "newsletter": {"title": "Stay in touch", "text": "Stories from our community and ways to help, once a month."},
    "contact": {"title": "Volunteer or get help", "subtitle": "Whether you need support or want to give time, write to us.",
                "submit": "Send message", "success": "Thank you! Someone from our team will be in touch."},
    "testimonials": {"title": "Stories",
                     "items": [("When I lost my job, they helped me with food and with the forms. I volunteer here now.",
                                "Maria", "Former client, now volunteer"),
                               ("The Friday lunch is the highlight of my week.", "George, 81", "Community lunch guest"),
                               ("Volunteering here is the best thing I do all week.", "Priya", "Volunteer")]},
    "faq": {"items": [("Where does my donation go?", "90% goes directly to our programmes."),
                      ("Can I volunteer once?", "Yes, one-off and regular roles are both welcome.")]},
    "footer": "A registered charity supporting families{in_city}.",
}

DECKS["education"] = {
    "hero": {
        "eyebrow": ["Enrolling now{in_city}", "Small classes, real progress"],
        "title": ["Learn with confidence", "Lessons that make it click", "Grow your skills, one lesson at a time"],
        "subtitle": "{name} offers small-group classes and one-to-one lessons with experienced, friendly teachers. "
                    "Every course starts with a free level check.",
        "primary": ("Book a free trial lesson", "contact-form"), "secondary": ("See courses", "pricing"),
        "highlights": ["Max 8 per class", "Qualified teachers", "Free level check"],
        "note": "New terms start every month",
    },
    "features": {"title": "How we teach", "subtitle": "Practical, personal, and fun.",
                 "items": [("heart", "Small groups", "Never more than eight learners, so everyone takes part."),
                           ("chart", "Clear progress", "Regular feedback and a plan for your next steps."),
                           ("clock", "Flexible times", "Morning, evening and weekend classes."),
                           ("globe", "In person or online", "Join from the classroom or from home.")]},
    "schedule": {"title": "Class times", "subtitle": "Choose the slot that fits your week.",
                 "items": [("Mon & Wed 18:30", "Beginners", "Start from zero, step by step", "Room 1"),
                           ("Tue & Thu 10:00", "Intermediate", "Build fluency and confidence", "Room 2"),
                           ("Sat 10:00", "Weekend intensive", "Three hours, every Saturday", "Room 1"),
                           ("Flexible", "One-to-one", "Lessons planned around you", "Online or in person")]},
    "pricing": {"title": "Courses & prices", "subtitle": "Pay per term. Books and materials included.", "period": "per course",
                "plans": [("Group course", "Ten weeks, twice a week.", 240, None, ["20 lessons", "Max 8 learners", "Materials"], True),
                          ("Weekend intensive", "Ten Saturdays.", 290, None, ["30 hours", "Max 8 learners", "Certificate"], False),
                          ("One-to-one", "Per lesson.", 40, None, ["60 minutes", "Your own plan", "Online or in person"], False)]},
    "team": {"title": "Our teachers", "items": [("Helena Sousa", "Director of studies", "18 years of teaching."),
                                              ("Daniel Moore", "Teacher", "Makes grammar feel easy."),
                                              ("Yuki Tanaka", "Teacher", "Specialist in beginners."),
                                              ("Omar Said", "Teacher", "Runs our weekend intensives.")]},
    "testimonials": {"title": "Learners say",
                     "items": [("After one term I could finally hold a real conversation.", "Patricia L.", "Group course"),
                               ("Patient teachers and a lovely atmosphere.", "Jon B.", "Weekend intensive"),
                               ("My daughter went from dreading lessons to loving them.", "Sara F.", "Parent")]},
    "faq": {"items": [("How do I know my level?", "Book a free 20-minute level check."),
                      ("Can I join mid-term?", "Yes, if there is a place in a class at your level."),
                      ("Do you offer certificates?", "Yes, every course ends with a certificate of completion.")]},
    "contact": {"title": "Book a free trial lesson", "subtitle": "Tell us what you want to learn and when you are free.",
                "submit": "Book my trial", "success": "Thank you! We will email you a time for your trial lesson."},
    "stats": [("8", "learners per class max"), ("1,200+", "learners taught"), ("15", "qualified teachers"), ("4.9", "average rating")],
    "cta": {"title": "Start this month", "text": "Book your free level check today.", "label": "Book a free trial"},
    "footer": "Small classes and friendly teachers{in_city}.",
}

DECKS["services"] = {
    "hero": {
        "eyebrow": ["Trusted {noun}{in_city}", "Fully insured · fixed quotes"],
        "title": ["Reliable work, done right the first time", "Local experts you can trust", "Fast, tidy and fairly priced"],
        "subtitle": "{name} is a local {noun} with qualified, insured professionals. Clear quotes, on-time arrivals "
                    "and work we guarantee.",
        "primary": ("Request a free quote", "contact-form"), "secondary": ("Our services", "features"),
        "highlights": ["Free, fixed quotes", "Fully insured", "12-month guarantee"],
        "note": "Emergency call-outs available",
    },
    "about": {"title": "Why {name}",
              "text": ["We are a family-run {noun} that has served the community{in_city} for over fifteen years. Every "
                       "job is done by our own qualified team, never by strangers.",
                       "We give fixed quotes before we start, turn up when we say we will and leave your home tidy."],
              "highlights": ["15+ years", "Qualified team", "Fixed quotes"]},
    "features": {"title": "Services", "subtitle": "Homes and businesses, big jobs and small.",
                 "items": [("clock", "Emergency call-outs", "Fast response when something goes wrong."),
                           ("shield", "Repairs", "Diagnosed properly and fixed to last."),
                           ("bolt", "Installations", "New fittings and systems, installed to standard."),
                           ("chart", "Maintenance plans", "Regular checks that prevent costly problems."),
                           ("heart", "Free quotes", "Clear, fixed prices before we start."),
                           ("globe", "Local & nearby", "Covering the city and surrounding areas.")]},
    "stats": [("15+", "years in business"), ("4,000", "jobs completed"), ("4.9/5", "customer rating"), ("12 mo", "guarantee")],
    "testimonials": {"title": "Customer reviews",
                     "items": [("Came out the same evening, explained everything and the price matched the quote.",
                                "Steve H.", "Homeowner"),
                               ("Tidy, polite and excellent work. We will use them again.", "Lucy M.", "Homeowner"),
                               ("They look after all our properties. Always reliable.", "Kevin O.", "Landlord")]},
    "faq": {"items": [("Do you charge for quotes?", "No, quotes are free and fixed."),
                      ("Are you insured?", "Yes, fully insured with public liability cover."),
                      ("Do you offer a guarantee?", "All work is guaranteed for 12 months."),
                      ("Which areas do you cover?", "The city and surrounding areas within 25 miles.")]},
    "contact": {"title": "Request a free quote", "subtitle": "Describe the job and we will get back to you the same day.",
                "submit": "Request quote", "success": "Thank you! We will call or email you today with a quote."},
    "hours": [("Monday – Friday", "08:00 – 18:00"), ("Saturday", "09:00 – 13:00"), ("Emergencies", "24/7")],
    "team": {"title": "The team", "items": [("Mike Turner", "Founder", "30 years in the trade."),
                                          ("Jess Turner", "Operations", "Keeps every job on schedule."),
                                          ("Ravi Shah", "Senior technician", "Qualified and certified."),
                                          ("Tom Reilly", "Technician", "Neat, careful and quick.")]},
    "cta": {"title": "Need help today?", "text": "Call-outs available seven days a week.", "label": "Get a quote"},
    "footer": "A trusted local {noun}{in_city}.",
}

DECKS["music"] = {
    "hero": {
        "eyebrow": ["New album out now", "On tour this season"],
        "title": ["Louder together", "Songs for late nights and long drives", "Hear it live"],
        "subtitle": "{name} makes music for dancing and for thinking. Catch us live this season, and sign up to hear "
                    "new songs first.",
        "primary": ("See tour dates", "schedule"), "secondary": ("Join the list", "newsletter"),
        "highlights": ["New album out now", "18 cities", "Limited vinyl"],
        "note": "Tickets selling fast",
    },
    "about": {"title": "About {name}", "text": ["{name} started in a rehearsal room with borrowed amps and a shared love "
                                                "of big choruses. Three albums and hundreds of shows later, we are still "
                                                "playing every gig like it is the first.",
                                                "Our new record was made live in one room, in ten days."],
              "highlights": ["3 albums", "400+ shows", "Independent"]},
    "schedule": {"title": "Tour dates", "subtitle": "Tickets from the venues' own box offices.",
                 "items": [("Mar 14", "Lisbon", "Musicbox", "Tickets"), ("Mar 16", "Madrid", "Sala El Sol", "Tickets"),
                           ("Mar 19", "Paris", "La Maroquinerie", "Few left"), ("Mar 21", "Brussels", "Botanique", "Tickets"),
                           ("Mar 24", "Berlin", "Lido", "Sold out"), ("Mar 27", "London", "Scala", "Tickets")]},
    "gallery": {"title": "On the road", "subtitle": "Photos from the last tour.",
                "items": [("Soundcheck", "Empty room, big sound", "circles"), ("Main stage", "Festival season", "sun"),
                          ("Night drive", "Between cities", "moon"), ("Encore", "Always one more", "stripes")]},
    "newsletter": {"title": "Hear it first", "text": "New songs, tour dates and presales, before anyone else."},
    "contact": {"title": "Booking & press", "subtitle": "Shows, festivals, press and sync.", "submit": "Send message",
                "success": "Thanks! Our team will be in touch."},
    "testimonials": {"title": "Press", "items": [("A live band at the top of its game.", "Local Sounds", "Live review"),
                                                  ("Big choruses, bigger heart.", "Night Music Weekly", "Album review"),
                                                  ("The best show I saw all year.", "Fan", "Lisbon show")]},
    "stats": [("3", "albums"), ("400+", "shows"), ("18", "cities this tour"), ("1M", "streams")],
    "footer": "Music for late nights and long drives.",
}

_FALLBACK_KIND = {"wedding": "event"}


def _rich_deck(brief: SiteBrief) -> dict | None:
    """The hand-written English deck for this kind, when one fits it exactly (else None: the neutral deck)."""
    if _language(brief) != "en":
        return None
    if brief.subkind == "general":
        # briefs saved before the taxonomy existed name only the family
        if brief.kind == "landing" or not brief.asks and brief.confidence < 0.5:
            return None
        return DECKS.get(brief.kind)
    deck = kind_info(brief.subkind, brief.variant).get("deck")
    return DECKS.get(deck) if deck else None


def _deck(brief: SiteBrief) -> dict:
    return _rich_deck(brief) or neutral_deck(brief)


def _generic(section: str, brief: SiteBrief) -> dict | list | None:
    """A section the kind's rich deck lacks: the neutral deck's, in the site's language (never another kind's)."""
    return neutral_deck(brief).get(section)


_ICONS = ["star", "heart", "shield", "clock", "leaf", "bolt"]
_SHAPES = ["sun", "circles", "stripes", "leaf", "hills", "moon"]


def neutral_deck(brief: SiteBrief) -> dict:
    """A deck for any kind in any language: ``decks/neutral.json`` filled with the kind's offers and action."""
    lang = _language(brief)
    text = _json("neutral.json")[lang]
    ui = ui_strings(lang)
    offers = _offers(brief)
    action = _action(brief)
    target = next((s for s in ("booking-form", "contact-form", "newsletter", "product-grid", "menu")
                   if s in brief.sections), "about")
    second = next((s for s in ("menu", "product-grid", "features", "schedule", "about", "gallery")
                   if s in brief.sections and s != target), "about")
    periodic = "pricing-toggle" in (brief.asks or []) or brief.subkind in ("saas", "mobile-app", "coworking")
    feature_texts = text["features"]["texts"]
    plans = []
    for i, plan in enumerate(text["pricing"]["plans"]):
        monthly = [0, 19, 49][i] if periodic else [40, 80, 150][i]
        plans.append((plan, text["pricing"]["descriptions"][i], str(monthly),
                      str(monthly * 10) if periodic else None, offers[: i + 1], i == 1))
    times = ["09:00", "10:30", "12:00", "14:00", "16:00", "18:00"]
    team = text["team"]
    return {
        "hero": {**text["hero"], "primary": (action, target), "secondary": (text["hero"]["secondary"], second),
                 "highlights": offers[:3]},
        "about": {**text["about"], "highlights": offers[:3]},
        "features": {"title": text["features"]["title"], "subtitle": text["features"]["subtitle"],
                     "items": [(_ICONS[i % 6], offer, feature_texts[i % len(feature_texts)])
                               for i, offer in enumerate(offers)]},
        "menu": {"eyebrow": text["menu"]["eyebrow"], "title": text["menu"]["title"],
                 "subtitle": text["menu"]["subtitle"], "note": text["menu"]["note"],
                 "sections": [{"name": text["menu"]["section"],
                               "items": [(offer, text["menu"]["text"], f"{8 + 4 * i}", [])
                                         for i, offer in enumerate(offers)]}]},
        "products": [(offer, text["products"]["text"], str(35 + 10 * i), text["products"]["badge"] if i == 0 else "",
                      brief.noun) for i, offer in enumerate(offers)],
        "pricing": {"title": text["pricing"]["title"], "subtitle": text["pricing"]["subtitle"], "plans": plans,
                    "period": ui["labels"]["perMonth"] if periodic else ""},
        "schedule": {"title": text["schedule"]["title"], "subtitle": text["schedule"]["subtitle"],
                     "items": [(times[i % 6], offer, feature_texts[i % len(feature_texts)], "")
                               for i, offer in enumerate(offers)]},
        "gallery": {"title": text["gallery"]["title"], "subtitle": text["gallery"]["subtitle"],
                    "items": [(offer, text["gallery"]["caption"].replace("{offer}", offer), _SHAPES[i % 6])
                              for i, offer in enumerate(offers)]},
        "team": {"title": team["title"], "items": [(n, team["roles"][i], team["bio"])
                                                   for i, n in enumerate(team["names"])]},
        "testimonials": {"title": text["testimonials"]["title"],
                         "items": [(q, text["testimonials"]["names"][i], text["testimonials"]["role"])
                                   for i, q in enumerate(text["testimonials"]["quotes"])]},
        "faq": {"items": [tuple(item) for item in text["faq"]["items"]]},
        "contact": dict(text["contact"], topics=ui["topics"]),
        "booking": {**text["booking"], "party_label": ui["labels"]["party"] if brief.kind == "restaurant" else None},
        "hours": [tuple(h) for h in ui["hours"]],
        "stats": [tuple(s) for s in text["stats"]],
        "cta": {**text["cta"], "label": action},
        "newsletter": text["newsletter"],
        "posts": [(text["posts"]["title"].replace("{offer}", offer),
                   text["posts"]["excerpt"].replace("{offer_lower}", offer.lower()), brief.noun,
                   text["posts"]["read"]) for offer in offers],
        "footer": text["footer"],
    }


def _get(brief: SiteBrief, key: str):
    deck = _deck(brief)
    if key in deck:
        return deck[key]
    return _generic(key, brief)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:24] or "hello"


def _nav_target(section: str) -> str:
    return "#" + {"contact-form": "contact", "booking-form": "booking", "product-grid": "shop", "blog-list": "journal",
                  "map": "visit", "app-download": "download"}.get(section, section)


def _address(brief: SiteBrief) -> str:
    place = (brief.location or "").lower()
    lang = _language(brief)
    if place in ("lisbon", "porto", "faro", "coimbra", "braga", "portugal", "lisboa") or lang == "pt":
        streets = ["Rua das Flores 28", "Avenida da Liberdade 110", "Rua do Carmo 7"]
    elif place in ("madrid", "barcelona", "seville", "valencia", "bilbao", "spain", "sevilla") or lang == "es":
        streets = ["Calle Mayor 14", "Carrer de Verdi 21", "Calle del Sol 9"]
    elif lang == "fr":
        streets = ["12 rue de la République", "4 place du Marché", "27 avenue des Tilleuls"]
    elif lang == "de":
        streets = ["Hauptstraße 12", "Marktplatz 4", "Lindenallee 27"]
    else:
        streets = ["12 Market Street", "45 Harbour Road", "210 Main Street"]
    street = streets[(brief.seed >> 3) % len(streets)]
    return f"{street}, {brief.location}" if brief.location else street


def _phone(brief: SiteBrief) -> str:
    lang = _language(brief)
    if lang == "fr":
        return "+33 1 00 00 00 00"
    if lang == "de":
        return "+49 30 0000000"
    if brief.currency == "€":
        return "+351 21 000 0000" if (brief.location or "").lower() in ("lisbon", "porto", "faro") else "+34 910 000 000"
    if brief.currency == "£":
        return "+44 20 0000 0000"
    return "+1 (555) 010-0000"


def _nav_label(section: str, brief: SiteBrief) -> str:
    own = (kind_info(brief.subkind, brief.variant).get("labels") or {}).get(section, {}).get(_language(brief))
    if own:
        return own
    if _language(brief) != "en":
        return _ui(brief, "nav")[section]
    if section == "features":
        return {"saas": "Features", "landing": "Features", "hotel": "Amenities", "portfolio": "Services",
                "fitness": "Classes", "education": "Courses"}.get(brief.kind, "Services")
    if section == "team" and brief.kind == "event":
        return "People" if "wedding" in brief.noun else "Speakers"
    if section == "booking-form" and brief.kind == "event":
        return "RSVP" if "wedding" in brief.noun else "Tickets"
    return SECTION_LABELS[section]


def site_meta(brief: SiteBrief) -> dict:
    """Name, tagline, description, contact details and navigation for the whole site."""
    hero = _get(brief, "hero")
    description = _fill(hero["subtitle"], brief)
    email = f"hello@{_slug(brief.business_name)}.com"
    nav = [s for s in brief.sections if s in SECTION_LABELS and s not in ("cta", "newsletter", "stats")]
    return {
        "name": brief.business_name,
        "tagline": _fill(_get(brief, "footer") or "", brief),
        "description": description,
        "email": email,
        "phone": _phone(brief),
        "address": _address(brief) if brief.location or "map" in brief.sections else None,
        "nav": [{"label": _nav_label(s, brief), "href": _nav_target(s)} for s in nav][:6],
        "anchors": {s: _nav_target(s)[1:] for s in brief.sections},
    }


def _labels(brief: SiteBrief, *keys: str) -> dict:
    """The fixed words a component shows (form labels, messages, toggles), in the site's language."""
    labels = _ui(brief, "labels")
    return {k: labels[k] for k in keys}


def _items(rows, keys):
    return [dict(zip(keys, row, strict=False)) for row in rows]


def section_content(section: str, brief: SiteBrief) -> dict:
    """The copy of one section, in the canonical shape for its kind."""
    meta = site_meta(brief)
    anchors = meta["anchors"]

    def href(target: str) -> str:
        if target in anchors:
            return "#" + anchors[target]
        for fallback in ("contact-form", "booking-form", "newsletter", "map"):
            if fallback in anchors:
                return "#" + anchors[fallback]
        return "#top"

    if section == "navbar":
        primary = _get(brief, "hero")["primary"]
        return {"brand": brief.business_name, "tagline": brief.noun[:1].upper() + brief.noun[1:],
                "links": meta["nav"], "ctaLabel": _fill(primary[0], brief), "ctaHref": href(primary[1]),
                "labels": _labels(brief, "menu", "close", "mainNav")}
    if section == "hero":
        hero = _get(brief, "hero")
        return {
            "eyebrow": _fill(_pick(hero["eyebrow"], brief, 1), brief),
            "title": _fill(_pick(hero["title"], brief, 2), brief),
            "subtitle": _fill(hero["subtitle"], brief),
            "primaryLabel": _fill(hero["primary"][0], brief), "primaryHref": href(hero["primary"][1]),
            "secondaryLabel": _fill(hero["secondary"][0], brief), "secondaryHref": href(hero["secondary"][1]),
            "highlights": _fill(hero["highlights"], brief),
            "note": _fill(hero.get("note"), brief),
        }
    if section == "about":
        about = _get(brief, "about") or {"title": f"About {brief.business_name}",
                                         "text": [meta["description"]], "highlights": []}
        stats = _get(brief, "stats") or []
        return {"eyebrow": _ui(brief, "story") if brief.kind not in ("portfolio", "blog") else _ui(brief, "about_eyebrow"),
                "title": _fill(about["title"], brief), "paragraphs": _fill(about["text"], brief),
                "highlights": _fill(about.get("highlights", []), brief),
                "facts": _fill(_items(stats[:3], ["value", "label"]), brief)}
    if section == "features":
        features = _get(brief, "features")
        return {"eyebrow": _nav_label("features", brief),
                "title": _fill(features["title"], brief), "subtitle": _fill(features.get("subtitle", ""), brief),
                "items": _fill(_items(features["items"], ["icon", "title", "text"]), brief)}
    if section == "menu":
        menu = _get(brief, "menu") or DECKS["restaurant"]["menu"]
        return {"eyebrow": menu.get("eyebrow", _ui(brief, "nav")["menu"]), "title": _fill(menu["title"], brief),
                "subtitle": _fill(menu.get("subtitle", ""), brief), "currency": brief.currency,
                "sections": [{"name": s["name"], "items": _items(s["items"], ["name", "description", "price", "tags"])}
                             for s in menu["sections"]],
                "note": _fill(menu.get("note", ""), brief),
                "legend": _ui(brief, "legend")}
    if section == "product-grid":
        products = _get(brief, "products") or DECKS["shop"]["products"]
        cart = {}
        if "cart" in (brief.asks or []):
            labels = _labels(brief, "add", "cartTitle", "cartEmpty", "total", "checkout", "remove", "more", "less",
                             "orderSent", "handedOff", "failed", "orderSubject", "added", "email", "errEmail")
            renamed = {"cartTitle": "cart", "cartEmpty": "empty", "orderSent": "sent", "orderSubject": "subject"}
            cart = {"labels": {renamed.get(k, k): v for k, v in labels.items()}, "email": meta["email"], "action": ""}
        return {**cart, "eyebrow": _ui(brief, "shop_eyebrow"), "title": _ui(brief, "shop_title"),
                "subtitle": _ui(brief, "shop_subtitle"),
                "currency": brief.currency,
                "items": [dict(item, image=art_for(brief, i, 1)) for i, item in enumerate(
                    _fill(_items(products, ["name", "description", "price", "badge", "category"]), brief))]}
    if section == "pricing":
        pricing = _get(brief, "pricing") or DECKS["saas"]["pricing"]
        plans = []
        for name, description, monthly, yearly, features, featured in pricing["plans"]:
            plan = {"name": name, "description": description, "price": monthly, "features": features,
                    "featured": featured, "ctaLabel": _ui(brief, "choose").format(plan=name),
                    "period": pricing.get("period", "")}
            if yearly is not None:
                plan["monthly"], plan["yearly"] = monthly, yearly
            plans.append(plan)
        return {"eyebrow": _ui(brief, "pricing_eyebrow"), "title": _fill(pricing["title"], brief),
                "labels": _labels(brief, "mostPopular", "free", "monthly", "yearly", "perMonth", "perYear",
                                  "billing"),
                "subtitle": _fill(pricing.get("subtitle", ""), brief), "currency": brief.currency,
                "plans": _fill(plans, brief), "periodic": all("monthly" in p for p in plans),
                "ctaHref": href("booking-form" if "booking-form" in anchors else "contact-form")}
    if section == "schedule":
        schedule = _get(brief, "schedule") or DECKS["event"]["schedule"]
        return {"eyebrow": _ui(brief, "schedule_eyebrow"), "title": _fill(schedule["title"], brief),
                "subtitle": _fill(schedule.get("subtitle", ""), brief),
                "items": _fill(_items(schedule["items"], ["time", "title", "text", "place"]), brief)}
    if section == "gallery":
        gallery = _get(brief, "gallery") or DECKS["landing"].get("gallery") or DECKS["restaurant"]["gallery"]
        items = []
        for i, (title, caption, shape) in enumerate(gallery["items"]):
            items.append({"title": title, "caption": caption, "shape": shape, "image": art_for(brief, i),
                          "alt": _ui(brief, "alt").format(title=f"{title}, {caption}")})
        return {"eyebrow": _ui(brief, "gallery_eyebrow"), "title": _fill(gallery["title"], brief),
                "subtitle": _fill(gallery.get("subtitle", ""), brief), "items": _fill(items, brief)}
    if section == "team":
        team = _get(brief, "team")
        return {"eyebrow": _ui(brief, "people_eyebrow"), "title": _fill(team["title"], brief),
                "subtitle": _fill(team.get("subtitle", _ui(brief, "people_subtitle")), brief),
                "items": _fill(_items(team["items"], ["name", "role", "bio"]), brief)}
    if section == "testimonials":
        testimonials = _get(brief, "testimonials")
        return {"eyebrow": _ui(brief, "reviews_eyebrow"), "title": _fill(testimonials["title"], brief), "subtitle": "",
                "items": [dict(item, rating=5) for item in
                          _fill(_items(testimonials["items"], ["quote", "name", "role"]), brief)]}
    if section == "blog-list":
        posts = _get(brief, "posts") or DECKS["blog"]["posts"]
        months = _ui(brief, "months")
        day_first = _language(brief) != "en"
        dates = [f"{d} {months[m]}" if day_first else f"{months[m]} {d}"
                 for d, m in ((2, 2), (16, 1), (2, 1), (19, 0), (5, 0), (15, 11))]
        return {"eyebrow": _ui(brief, "latest_eyebrow"), "title": _ui(brief, "latest_title"),
                "subtitle": _ui(brief, "latest_subtitle"),
                "items": [dict(item, date=dates[i % len(dates)]) for i, item in
                          enumerate(_fill(_items(posts, ["title", "excerpt", "tag", "readTime"]), brief))]}
    if section == "faq":
        faq = _get(brief, "faq")
        return {"eyebrow": _ui(brief, "faq_eyebrow"), "title": _ui(brief, "faq_title"),
                "subtitle": _ui(brief, "faq_subtitle"),
                "items": _fill(_items(faq["items"], ["question", "answer"]), brief)}
    if section == "stats":
        stats = _get(brief, "stats")
        return {"eyebrow": _ui(brief, "numbers_eyebrow"),
                "title": _ui(brief, "numbers_title").format(name=brief.business_name),
                "items": _fill(_items(stats, ["value", "label"]), brief)}
    if section == "cta":
        cta = _get(brief, "cta")
        target = "booking-form" if "booking-form" in anchors else "contact-form"
        return {"title": _fill(cta["title"], brief), "text": _fill(cta["text"], brief),
                "label": _fill(cta["label"], brief), "href": href(target)}
    if section == "newsletter":
        news = _get(brief, "newsletter") or {"title": _ui(brief, "stay_title"), "text": _ui(brief, "stay_text")}
        return {"title": _fill(news["title"], brief), "text": _fill(news["text"], brief),
                "submitLabel": _ui(brief, "subscribe"), "successText": _ui(brief, "subscribe_success"), "action": "",
                "labels": _labels(brief, "emailAddress", "errEmail", "tryAgain", "sending")}
    if section == "contact-form":
        contact = _get(brief, "contact")
        hours = _get(brief, "hours")
        return {"eyebrow": _ui(brief, "contact_eyebrow"), "title": _fill(contact["title"], brief),
                "subtitle": _fill(contact["subtitle"], brief), "submitLabel": contact["submit"],
                "successTitle": _ui(brief, "message_sent"), "successText": _fill(contact["success"], brief),
                "labels": _labels(brief, "name", "email", "message", "sending", "errName", "errEmail", "errMessage",
                                  "handedOff", "failed", "subjectMessage"),
                "email": meta["email"], "phone": meta["phone"], "address": meta["address"], "action": "",
                "hours": " · ".join(f"{d} {t}" for d, t in hours) if hours else None,
                "topics": contact.get("topics") or _ui(brief, "topics")}
    if section == "booking-form":
        booking = _get(brief, "booking") or DECKS["restaurant"]["booking"]
        services = None
        if booking.get("service_label"):
            source = _get(brief, "pricing") or _get(brief, "features")
            if source and "plans" in source:
                services = [p[0] for p in source["plans"]]
            elif source:
                services = [i[1] for i in source["items"]]
        return {"eyebrow": _ui(brief, "booking_eyebrow"), "title": _fill(booking["title"], brief),
                "labels": _labels(brief, "name", "email", "date", "time", "notes", "choose", "sending", "errName",
                                  "errEmail", "errDate", "handedOff", "failed", "subjectBooking"),
                "subtitle": _fill(booking["subtitle"], brief), "submitLabel": booking["submit"],
                "times": booking.get("times") or ["12:30", "13:00", "13:30", "19:00", "19:30", "20:00", "20:30", "21:00"],
                "partyLabel": booking.get("party_label"), "serviceLabel": booking.get("service_label"),
                "services": services, "successText": _fill(booking["success"], brief),
                "email": meta["email"], "action": ""}
    if section == "map":
        hours = _get(brief, "hours") or [tuple(h) for h in _ui(brief, "hours")]
        query = (meta["address"] or brief.business_name).replace(" ", "+")
        return {"eyebrow": _ui(brief, "visit_eyebrow"),
                "title": _ui(brief, "find").format(name=brief.business_name) if meta["address"] else _ui(
                    brief, "opening_hours"),
                "labels": _labels(brief, "openingHours", "directions"),
                "placeName": brief.business_name,
                "address": meta["address"], "phone": meta["phone"], "email": meta["email"],
                "hours": [{"days": d, "time": t} for d, t in hours],
                "directionsHref": f"https://www.openstreetmap.org/search?query={query}"}
    if section == "sponsors":
        sponsors = _json("neutral.json")[_language(brief)]["sponsors"]
        return {"eyebrow": _nav_label("sponsors", brief), "title": _fill(sponsors["title"], brief),
                "subtitle": _fill(sponsors["subtitle"], brief),
                "tiers": [{"name": tier, "size": "l" if i == 0 else "m", "items": [sponsors["placeholder"]] * (2 + i)}
                          for i, tier in enumerate(sponsors["tiers"])],
                "ctaLabel": sponsors["cta"], "ctaHref": href("contact-form")}
    if section == "app-download":
        app = _json("neutral.json")[_language(brief)]["app"]
        return {"eyebrow": _nav_label("app-download", brief), "title": _fill(app["title"], brief),
                "text": _fill(app["text"], brief), "appStoreLabel": _ui(brief, "app_store"),
                "appStoreHref": "https://apps.apple.com/", "playLabel": _ui(brief, "google_play"),
                "playHref": "https://play.google.com/store/apps",
                "screens": [{"title": offer} for offer in _offers(brief)[:3]]}
    if section == "footer":
        return {"brand": brief.business_name, "tagline": meta["tagline"], "links": meta["nav"],
                "email": meta["email"], "phone": meta["phone"], "address": meta["address"],
                "copyright": f"© {datetime.now(UTC).year} {brief.business_name}. {_ui(brief, 'rights')}",
                "labels": _labels(brief, "footerNav", "rights")}
    raise KeyError(f"no copy for section {section!r}")
