"""The site brief: what a prompt asks for, worked out by rules.

From a plain-language prompt, :func:`analyse_prompt` infers the site kind
(bakery, restaurant, portfolio, SaaS, shop, blog, event, agency...), the
business name, the place, the sections asked for (plus the ones such a site
needs), the tone and a colour theme. The offline provider builds from it;
with a model, the cheap model's classification is merged over it
(:func:`brief_from_classification`), so a bad model answer never leaves a
build without a brief.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .understanding import ASKS as ASK_WORDS
from .understanding import LANGUAGES, UNMET_OFFLINE, fallback_name, kind_info, understand

__all__ = ["KINDS", "SECTION_KINDS", "SiteBrief", "analyse_prompt", "brief_from_classification"]

# Section kinds (kebab-case, as the component library names them), in page order.
SECTION_KINDS = [
    "navbar", "hero", "about", "features", "stats", "menu", "product-grid", "pricing", "schedule", "gallery",
    "app-download", "team", "sponsors", "testimonials", "blog-list", "faq", "cta", "newsletter", "booking-form",
    "contact-form", "map", "footer",
]

# kind -> words that reveal it, its usual sections, theme, tone, noun.
KINDS: dict[str, dict] = {
    "bakery": {
        "words": ["bakery", "bakehouse", "patisserie", "pâtisserie", "pastry", "pastries", "boulangerie", "bread",
                  "cake shop", "cakes", "confeitaria", "donut", "doughnut"],
        "sections": ["navbar", "hero", "about", "menu", "gallery", "testimonials", "map", "contact-form", "footer"],
        "theme": "bakery", "tone": "warm", "noun": "bakery",
    },
    "restaurant": {
        "words": ["restaurant", "bistro", "trattoria", "taverna", "tavern", "brasserie", "diner", "eatery", "pizzeria",
                  "sushi", "ramen", "tapas", "steakhouse", "grill", "kitchen", "food truck", "bar ", "wine bar",
                  "pub", "cantina", "taqueria", "brunch"],
        "sections": ["navbar", "hero", "about", "menu", "gallery", "testimonials", "booking-form", "map", "footer"],
        "theme": "sunset", "tone": "warm", "noun": "restaurant",
    },
    "cafe": {
        "words": ["cafe", "café", "coffee", "espresso", "roastery", "tea room", "tearoom", "teahouse", "juice bar"],
        "sections": ["navbar", "hero", "about", "menu", "gallery", "testimonials", "map", "contact-form", "footer"],
        "theme": "bakery", "tone": "warm", "noun": "café",
    },
    "portfolio": {
        "words": ["portfolio", "designer", "illustrator", "artist", "architect", "freelance", "freelancer",
                  "my work", "developer portfolio", "ux", "art director", "copywriter", "creative"],
        "sections": ["navbar", "hero", "about", "gallery", "features", "testimonials", "contact-form", "footer"],
        "theme": "mono", "tone": "minimal", "noun": "studio",
    },
    "photography": {
        "words": ["photographer", "photography", "photo studio", "wedding photos", "wedding photographer",
                  "wedding photography", "videographer"],
        "sections": ["navbar", "hero", "gallery", "about", "pricing", "testimonials", "contact-form", "footer"],
        "theme": "midnight", "tone": "elegant", "noun": "photography studio",
    },
    "saas": {
        "words": ["saas", "software", "platform", "startup", "app for", "tool for", "api", "dashboard", "analytics",
                  "crm", "b2b", "productivity", "ai-powered", "ai powered", "subscription software", "web app",
                  "mobile app", "app "],
        "sections": ["navbar", "hero", "features", "stats", "pricing", "testimonials", "faq", "cta", "footer"],
        "theme": "slate", "tone": "professional", "noun": "platform",
    },
    "shop": {
        "words": ["shop", "store", "boutique", "e-commerce", "ecommerce", "online store", "sell", "selling",
                  "products", "merch", "jewelry", "jewellery", "clothing", "fashion", "candles", "ceramics",
                  "soap", "skincare", "florist", "flowers", "bookshop", "bookstore"],
        "sections": ["navbar", "hero", "product-grid", "features", "testimonials", "faq", "newsletter", "footer"],
        "theme": "rose", "tone": "playful", "noun": "shop",
    },
    "blog": {
        "words": ["blog", "newsletter about", "magazine", "journal", "writer", "articles", "podcast", "vlog"],
        "sections": ["navbar", "hero", "blog-list", "about", "newsletter", "footer"],
        "theme": "forest", "tone": "calm", "noun": "blog",
    },
    "event": {
        "words": ["event", "conference", "festival", "meetup", "summit", "wedding", "concert", "workshop", "hackathon",
                  "gala", "expo", "retreat", "marathon", "party", "launch event", "webinar"],
        "sections": ["navbar", "hero", "about", "schedule", "team", "faq", "booking-form", "map", "footer"],
        "theme": "midnight", "tone": "bold", "noun": "event",
    },
    "agency": {
        "words": ["agency", "consultancy", "consulting", "consultant", "marketing", "studio for brands", "branding",
                  "digital studio", "advisory", "seo", "recruitment", "recruiting"],
        "sections": ["navbar", "hero", "features", "stats", "gallery", "team", "testimonials", "contact-form",
                     "footer"],
        "theme": "slate", "tone": "professional", "noun": "agency",
    },
    "fitness": {
        "words": ["gym", "fitness", "yoga", "pilates", "crossfit", "personal trainer", "boxing", "martial arts",
                  "dance studio", "climbing", "spin studio", "wellness"],
        "sections": ["navbar", "hero", "features", "schedule", "pricing", "team", "testimonials", "contact-form",
                     "footer"],
        "theme": "forest", "tone": "bold", "noun": "studio",
    },
    "salon": {
        "words": ["salon", "barber", "barbershop", "hairdresser", "hair", "beauty", "spa", "nails", "massage",
                  "skin clinic", "lashes", "tattoo"],
        "sections": ["navbar", "hero", "features", "pricing", "gallery", "team", "testimonials", "booking-form",
                     "map", "footer"],
        "theme": "rose", "tone": "elegant", "noun": "salon",
    },
    "clinic": {
        "words": ["clinic", "dentist", "dental", "doctor", "physio", "physiotherapy", "therapist", "therapy",
                  "vet", "veterinary", "medical", "optician", "chiropractor", "psychologist", "health centre",
                  "health center", "pharmacy"],
        "sections": ["navbar", "hero", "features", "about", "team", "testimonials", "faq", "booking-form", "map",
                     "footer"],
        "theme": "ocean", "tone": "professional", "noun": "clinic",
    },
    "hotel": {
        "words": ["hotel", "guesthouse", "guest house", "b&b", "bed and breakfast", "hostel", "inn", "villa",
                  "resort", "cabin", "cottage", "holiday rental", "lodge", "camping", "campsite"],
        "sections": ["navbar", "hero", "about", "features", "gallery", "pricing", "testimonials", "booking-form",
                     "map", "footer"],
        "theme": "ocean", "tone": "calm", "noun": "hotel",
    },
    "nonprofit": {
        "words": ["nonprofit", "non-profit", "charity", "foundation", "ngo", "volunteer", "donate", "donation",
                  "community group", "animal shelter", "rescue"],
        "sections": ["navbar", "hero", "about", "stats", "features", "team", "cta", "newsletter", "contact-form",
                     "footer"],
        "theme": "forest", "tone": "warm", "noun": "charity",
    },
    "education": {
        "words": ["school", "course", "courses", "tutor", "tutoring", "academy", "lessons", "classes", "teacher",
                  "university", "bootcamp", "language school", "music lessons", "driving school", "kindergarten",
                  "nursery"],
        "sections": ["navbar", "hero", "features", "schedule", "pricing", "team", "testimonials", "faq",
                     "contact-form", "footer"],
        "theme": "ocean", "tone": "warm", "noun": "school",
    },
    "services": {
        "words": ["plumber", "plumbing", "electrician", "builder", "construction", "roofing", "cleaning", "cleaner",
                  "landscaping", "gardener", "handyman", "locksmith", "movers", "removals", "painter", "decorator",
                  "carpenter", "hvac", "garage", "mechanic", "law firm", "lawyer", "solicitor", "accountant",
                  "accounting", "bookkeeping", "real estate", "estate agent", "realtor", "insurance", "architecture firm"],
        "sections": ["navbar", "hero", "features", "about", "stats", "testimonials", "faq", "contact-form", "map",
                     "footer"],
        "theme": "ocean", "tone": "professional", "noun": "company",
    },
    "music": {
        "words": ["band", "musician", "singer", "dj", "orchestra", "choir", "album", "tour dates", "rapper",
                  "composer"],
        "sections": ["navbar", "hero", "about", "schedule", "gallery", "newsletter", "contact-form", "footer"],
        "theme": "midnight", "tone": "bold", "noun": "band",
    },
    "landing": {
        "words": ["landing page", "product launch", "waitlist", "coming soon", "one-page", "one page"],
        "sections": ["navbar", "hero", "features", "testimonials", "faq", "cta", "contact-form", "footer"],
        "theme": "slate", "tone": "professional", "noun": "business",
    },
}

# Words in a prompt that ask for a section.
SECTION_WORDS: dict[str, list[str]] = {
    "menu": ["menu", "dishes", "drinks list", "wine list", "our food", "price list of", "cakes and breads"],
    "contact-form": ["contact form", "contact", "get in touch", "enquiry", "inquiry", "message form", "quote form",
                     "request a quote"],
    "booking-form": ["booking", "book a", "reservation", "reserve", "appointment", "rsvp", "register", "registration",
                     "tickets", "sign up for", "enrol", "enroll"],
    "gallery": ["gallery", "photos", "pictures", "images", "our work", "projects", "showcase", "lookbook",
                "case studies"],
    "pricing": ["pricing", "prices", "plans", "packages", "rates", "tiers", "membership", "memberships"],
    "testimonials": ["testimonials", "reviews", "what customers say", "what clients say", "quotes from"],
    "team": ["team", "staff", "our people", "instructors", "trainers", "chefs", "speakers", "founders", "doctors",
             "teachers", "lineup"],
    "faq": ["faq", "questions", "q&a"],
    "features": ["features", "services", "why us", "why choose", "benefits", "what we do", "how it works",
                 "treatments", "amenities", "rooms"],
    "about": ["about us", "about me", "about section", "about page", "our story", "story", "history", "mission",
              "who we are", "bio", "biography"],
    "stats": ["stats", "statistics", "numbers", "figures", "track record", "impact", "results"],
    "cta": ["call to action", "sign-up banner", "free trial", "get started"],
    "newsletter": ["newsletter", "subscribe", "mailing list", "email list", "waitlist", "updates by email"],
    "map": ["map", "location", "directions", "find us", "address", "opening hours", "hours", "visit us"],
    "blog-list": ["blog", "articles", "posts", "news", "journal", "recipes"],
    "product-grid": ["products", "product grid", "catalog", "catalogue", "collection", "merch", "shop section",
                     "store section"],
    "schedule": ["schedule", "agenda", "timetable", "programme", "program", "tour dates", "class times",
                 "itinerary", "dates"],
}

TONE_WORDS: dict[str, list[str]] = {
    "elegant": ["elegant", "luxury", "luxurious", "upscale", "sophisticated", "refined", "premium", "classy",
                "high-end", "boutique"],
    "playful": ["fun", "playful", "colorful", "colourful", "quirky", "kids", "children", "cheerful", "whimsical",
                "bright"],
    "professional": ["professional", "corporate", "trustworthy", "serious", "enterprise", "reliable", "expert"],
    "minimal": ["minimal", "minimalist", "clean", "simple", "understated", "scandinavian"],
    "bold": ["bold", "edgy", "striking", "energetic", "loud", "dynamic", "powerful", "modern"],
    "warm": ["warm", "cozy", "cosy", "friendly", "rustic", "homely", "welcoming", "family", "traditional"],
    "calm": ["calm", "peaceful", "relaxing", "zen", "serene", "gentle", "quiet"],
}

# colour words -> a named theme, or a palette laid over one
COLOUR_THEMES: list[tuple[list[str], str | dict]] = [
    (["black and white", "black & white", "black-and-white", "monochrome", "grayscale", "greyscale"], "mono"),
    (["dark mode", "dark theme", "dark", "black", "night", "neon"], "midnight"),
    (["green", "olive", "sage", "emerald", "forest", "nature", "eco", "organic", "plant"], "forest"),
    (["blue", "navy", "ocean", "sea", "teal", "aqua", "turquoise", "nautical", "marine"], "ocean"),
    (["pink", "rose", "blush", "red", "crimson", "burgundy", "romantic"], "rose"),
    (["orange", "sunset", "coral", "terracotta", "peach", "yellow", "gold", "golden", "amber", "sunny"], "sunset"),
    (["brown", "beige", "cream", "caramel", "chocolate", "coffee-coloured", "earthy", "pastel"], "bakery"),
    (["purple", "violet", "lavender", "plum", "lilac"],
     {"base": "slate", "label": "Violet", "primary": "#6d28d9", "focus": "#6d28d9", "accent": "#be185d",
      "surface_alt": "#f1ecfb", "border": "#ddd3f3"}),
]

# finer profiles inside a kind, by keyword: tone, theme, noun, name suffix for invented names
KEYWORD_PROFILES: dict[str, dict] = {
    "wedding": {"tone": "elegant", "theme": "rose", "noun": "wedding"},
    # a wedding photographer is a photography business, not a wedding
    "wedding photographer": {"tone": "elegant", "noun": "photography studio"},
    "wedding photography": {"tone": "elegant", "noun": "photography studio"},
    "yoga": {"tone": "calm", "theme": "forest", "noun": "yoga studio", "suffix": "Yoga"},
    "pilates": {"tone": "calm", "theme": "forest", "noun": "pilates studio", "suffix": "Pilates"},
    "gym": {"noun": "gym", "suffix": "Fitness"},
    "crossfit": {"noun": "gym", "suffix": "CrossFit"},
    "barber": {"tone": "bold", "theme": "midnight", "noun": "barbershop", "suffix": "Barbers"},
    "barbershop": {"tone": "bold", "theme": "midnight", "noun": "barbershop", "suffix": "Barbers"},
    "spa": {"tone": "calm", "theme": "ocean", "noun": "spa", "suffix": "Spa"},
    "hair": {"noun": "hair salon", "suffix": "Hair"},
    "dentist": {"noun": "dental practice", "suffix": "Dental"},
    "dental": {"noun": "dental practice", "suffix": "Dental"},
    "vet": {"noun": "veterinary clinic", "suffix": "Vets"},
    "veterinary": {"noun": "veterinary clinic", "suffix": "Vets"},
    "physio": {"noun": "physiotherapy clinic", "suffix": "Physio"},
    "physiotherapy": {"noun": "physiotherapy clinic", "suffix": "Physio"},
    "plumber": {"noun": "plumbing company", "suffix": "Plumbing"},
    "plumbing": {"noun": "plumbing company", "suffix": "Plumbing"},
    "electrician": {"noun": "electrical company", "suffix": "Electrical"},
    "cleaning": {"noun": "cleaning company", "suffix": "Cleaning Co."},
    "landscaping": {"noun": "landscaping company", "suffix": "Landscapes", "theme": "forest"},
    "gardener": {"noun": "garden design company", "suffix": "Gardens", "theme": "forest"},
    "law firm": {"noun": "law firm", "suffix": "Legal", "tone": "professional"},
    "lawyer": {"noun": "law firm", "suffix": "Legal", "tone": "professional"},
    "solicitor": {"noun": "law firm", "suffix": "Legal", "tone": "professional"},
    "accountant": {"noun": "accounting firm", "suffix": "Accounting"},
    "accounting": {"noun": "accounting firm", "suffix": "Accounting"},
    "real estate": {"noun": "estate agency", "suffix": "Homes"},
    "estate agent": {"noun": "estate agency", "suffix": "Homes"},
    "florist": {"noun": "flower shop", "suffix": "Flowers", "theme": "rose"},
    "flowers": {"noun": "flower shop", "suffix": "Flowers", "theme": "rose"},
    "ceramics": {"noun": "ceramics studio", "theme": "bakery"},
    "candles": {"noun": "candle shop"},
    "bookshop": {"noun": "bookshop", "theme": "forest"},
    "bookstore": {"noun": "bookshop", "theme": "forest"},
    "jewelry": {"noun": "jewellery studio", "tone": "elegant"},
    "jewellery": {"noun": "jewellery studio", "tone": "elegant"},
    "pizzeria": {"noun": "pizzeria", "suffix": "Pizza"},
    "sushi": {"noun": "sushi bar", "suffix": "Sushi"},
    "tapas": {"noun": "tapas bar", "suffix": "Tapas"},
    "coffee": {"noun": "coffee shop", "suffix": "Coffee"},
    "designer": {"noun": "design studio"},
    "illustrator": {"noun": "illustration studio"},
    "architect": {"noun": "architecture studio", "tone": "minimal"},
    "photographer": {"noun": "photography studio"},
    "conference": {"noun": "conference"},
    "festival": {"noun": "festival", "tone": "playful", "theme": "sunset"},
    "meetup": {"noun": "meetup"},
    "concert": {"noun": "concert"},
    "band": {"noun": "band"},
    "charity": {"noun": "charity"},
    "animal shelter": {"noun": "animal shelter", "suffix": "Animal Rescue"},
    "tutor": {"noun": "tutoring service", "suffix": "Tutoring"},
    "language school": {"noun": "language school", "suffix": "Language School"},
    "guesthouse": {"noun": "guesthouse"},
    "b&b": {"noun": "bed and breakfast"},
    "marketing": {"noun": "marketing agency"},
    "consulting": {"noun": "consultancy"},
    "kids": {"tone": "playful", "theme": "sunset"},
    "children": {"tone": "playful", "theme": "sunset"},
}

PLACES_EUR = {
    "lisbon", "porto", "madrid", "barcelona", "seville", "valencia", "paris", "lyon", "marseille", "berlin", "munich",
    "hamburg", "vienna", "rome", "milan", "florence", "naples", "venice", "amsterdam", "rotterdam", "brussels",
    "antwerp", "dublin", "athens", "helsinki", "tallinn", "riga", "vilnius", "ljubljana", "bratislava",
    "luxembourg", "portugal", "spain", "france", "germany", "italy", "greece", "austria", "ireland", "netherlands",
    "belgium", "finland", "faro", "coimbra", "braga", "bilbao", "nice", "bordeaux", "cologne", "frankfurt",
    "malta", "cyprus", "croatia", "zagreb", "split",
}
PLACES_DOLLAR = {"méxico", "mexico", "cdmx", "guadalajara", "monterrey", "bogotá", "medellín", "quito", "lima",
                 "santiago", "montréal", "montreal", "québec", "quebec", "usa", "estados unidos", "new york"}
PLACES_EUR |= {"sevilla", "lisboa", "münchen", "köln", "wien", "roma", "milano", "firenze", "napoli", "atenas",
               "málaga", "granada", "zaragoza", "toulouse", "lille", "nantes", "strasbourg", "stuttgart",
               "düsseldorf", "dresden", "leipzig", "aveiro", "sintra", "cascais", "madeira", "açores"}
PLACES_GBP = {"london", "manchester", "edinburgh", "glasgow", "bristol", "leeds", "liverpool", "birmingham",
              "oxford", "cambridge", "brighton", "cardiff", "belfast", "bath", "york", "uk", "england", "scotland",
              "wales"}

_STOP_NAME_WORDS = {"a", "an", "the", "my", "our", "your", "their", "his", "her", "this", "that", "some", "local",
                    "small", "new", "family", "modern", "simple", "website", "site", "page", "landing"}
_NAME_JOINERS = {"&", "and", "of", "de", "da", "do", "dos", "das", "la", "le", "les", "del", "della", "di", "du",
                 "van", "von", "the", "y", "e", "et", "'n'", "n"}


@dataclass
class SiteBrief:
    """What the site should be: the input of composition and of the generation prompt."""

    prompt: str
    kind: str
    business_name: str
    name_given: bool
    location: str | None
    noun: str
    sections: list[str]
    requested_sections: list[str]
    tone: str
    theme: str | dict
    currency: str
    language: str = "en"
    keywords: list[str] = field(default_factory=list)
    seed: int = 0
    # the taxonomy kind (kinds.json; "general" when nothing fits) and its sub-kind; `kind` is its family
    subkind: str = "general"
    variant: str | None = None
    confidence: float = 1.0
    asks: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)  # asks the offline composer cannot show, said in words
    facts_to_confirm: list[str] = field(default_factory=list)  # sample content the operator should replace
    nouns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SiteBrief:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    @property
    def theme_name(self) -> str:
        return self.theme if isinstance(self.theme, str) else str(self.theme.get("label", "custom")).lower()


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern:
    # compiled once: the prompt is matched against about a thousand words, more than re's own cache holds
    return re.compile(rf"(?<![\w-]){re.escape(word.strip())}(?:s|es)?(?![\w-])")


def _contains(text: str, word: str) -> bool:
    return _word_pattern(word).search(text) is not None


def _score_kinds(text: str) -> dict[str, int]:
    scores: dict[str, int] = {}
    for kind, profile in KINDS.items():
        score = 0
        for word in profile["words"]:
            if _contains(text, word):
                score += 3 if " " in word.strip() else 2
        if score:
            scores[kind] = score
    return scores


def _infer_kind(text: str) -> str:
    scores = _score_kinds(text)
    if not scores:
        return "landing"
    order = list(KINDS)
    # "landing page for a bakery" is a bakery site: the generic kind only wins alone
    if len(scores) > 1:
        scores.pop("landing", None)
    return max(scores, key=lambda k: (scores[k], -order.index(k)))


def _clean_name(raw: str) -> str:
    raw = raw.strip(" .,:;!?-\"'“”‘’")
    words = raw.split()
    while words and words[-1].lower() in _NAME_JOINERS:
        words.pop()
    return " ".join(words)


def _extract_name(prompt: str) -> str | None:
    quoted = re.search(r"[\"“‘']([^\"“”‘’']{2,60})[\"”’']", prompt)
    if quoted and not quoted.group(1).strip().islower():
        return _clean_name(quoted.group(1))
    called = re.search(r"\b(?:called|named|titled|brand(?:ed)? as|name is)\s+([^\s,.;:!?][^,.;:!?\n]{0,60})", prompt,
                       re.I)
    if called:
        candidate = _capitalised_run(called.group(1))
        if candidate:
            return candidate
    for match in re.finditer(r"\b(?:for|by|at|from)\s+([A-Z][^\n,.;:!?]{0,60})", prompt):
        candidate = _capitalised_run(match.group(1))
        if candidate and candidate.split()[0].lower() not in _STOP_NAME_WORDS:
            return candidate
    start = re.match(r"^\s*([A-Z][\w'&-]*(?:\s+(?:[A-Z][\w'&-]*|&|of|de|da|do))*)\s*(?:,|is\b|-|–|:|in\b|with\b)",
                     prompt)
    if start:
        words = start.group(1).split()
        is_kind_word = any(words[0].lower() in KINDS[k]["words"] for k in KINDS)
        if is_kind_word:
            words = words[1:]
        if words and words[0].lower() not in _STOP_NAME_WORDS | {"i", "we", "build", "create", "make", "website",
                                                                  "site", "portfolio", "blog", "landing"}:
            return _clean_name(" ".join(words))
    return None


def _capitalised_run(text: str) -> str | None:
    words = []
    for word in text.split():
        bare = word.strip(",.;:!?\"'“”")
        if not bare:
            break
        if bare[0].isupper() or bare[0].isdigit() or (words and bare.lower() in _NAME_JOINERS):
            words.append(bare)
            if bare != word and word[-1] in ",.;:!?":
                break
        else:
            break
    name = _clean_name(" ".join(words))
    if not name or name.lower() in _STOP_NAME_WORDS:
        return None
    return name


def _extract_location(prompt: str, name: str | None) -> str | None:
    for match in re.finditer(r"\b(?:in|based in|located in|near|from)\s+([A-Z][a-zà-ÿ]+(?:[\s-][A-Z][a-zà-ÿ]+)?)",
                             prompt):
        place = match.group(1)
        if name and place in name:
            continue
        return place
    return None


def _invent_name(kind: str, location: str | None, profile: dict, topic: str | None, seed: int) -> str:
    if profile.get("noun") == "wedding":  # a couple's site, not a festival's
        return f"Our Wedding in {location}" if location else "Our Wedding"
    suffix = profile.get("suffix")
    if suffix and location:
        return f"{location} {suffix}"
    if kind == "blog" and topic and len(topic.split()) <= 4:
        return "Notes on " + " ".join(w if w in _NAME_JOINERS else w.capitalize() for w in topic.split())
    options = INVENTED_NAMES.get(kind, INVENTED_NAMES["landing"])
    name = options[seed % len(options)]
    if suffix:
        return f"{('Golden', 'Corner', 'Northside', 'Little', 'Riverside')[seed % 5]} {suffix}"
    if location and kind in ("bakery", "cafe", "restaurant", "clinic", "services", "fitness", "salon") and seed % 2:
        noun = {"bakery": "Bakery", "cafe": "Coffee", "restaurant": "Kitchen", "clinic": "Clinic",
                "services": "Services", "fitness": "Studio", "salon": "Salon"}[kind]
        return f"{location} {noun}"
    return name


INVENTED_NAMES = {
    "bakery": ["Golden Crust Bakery", "Flour & Fern", "The Rolling Pin"],
    "restaurant": ["The Olive Table", "Ember & Salt", "Casa Lume"],
    "cafe": ["Little Bean Café", "Morning Ritual Coffee", "The Daily Grind"],
    "portfolio": ["Studio Northlight", "Line & Form", "Paper Moon Studio"],
    "photography": ["Silver Frame Photography", "Lumen Photo Studio", "Golden Hour Photography"],
    "saas": ["Flowbase", "Signalwise", "Tasklane"],
    "shop": ["Maple & Moss", "The Little Goods Co.", "Hearth Supply"],
    "blog": ["Field Notes", "Small Joys Journal", "The Long Way Round"],
    "event": ["Horizon Summit", "City Lights Festival", "Futures Forum"],
    "agency": ["Brightpath Studio", "North & Co.", "Clearmark Agency"],
    "fitness": ["Peak Form Studio", "Iron & Grace", "Motion Collective"],
    "salon": ["Velvet Salon", "The Grooming Room", "Bloom Beauty Studio"],
    "clinic": ["Riverside Clinic", "Harbour Health", "Oakwood Practice"],
    "hotel": ["The Harbour House", "Casa do Sol", "Pinewood Lodge"],
    "nonprofit": ["Open Hands Foundation", "Common Ground", "Second Chance Trust"],
    "education": ["Brightside Academy", "Open Door Lessons", "The Learning Loft"],
    "services": ["Cornerstone Services", "Reliable Home Services", "Keystone & Sons"],
    "music": ["The Midnight Owls", "Velvet Static", "Northern Lights"],
    "landing": ["Northstar", "Brightside", "Keystone"],
}


def _sections(kind: str, text: str, base_sections: list[str] | None = None, asked: list[str] | None = None,
              english: bool = True) -> tuple[list[str], list[str]]:
    requested = list(dict.fromkeys(asked or []))
    for section, words in SECTION_WORDS.items() if english else ():
        # "menu with prices" is not a pricing table: pricing comes only from the asks
        if section != "pricing" and section not in requested and any(_contains(text, w) for w in words):
            requested.append(section)
    # words that mean different sections in different kinds
    if kind in ("portfolio", "photography", "agency") and "gallery" not in requested and "projects" in text:
        requested.append("gallery")
    if "booking-form" in requested and "contact-form" in requested and not re.search(r"\bcontact form\b", text):
        requested.remove("contact-form")
    if "blog-list" in requested and kind != "blog" and not re.search(r"\b(blog|articles|posts|news|recipes)\b", text):
        requested.remove("blog-list")
    if "newsletter" in requested and kind == "blog" and "blog-list" not in requested:
        requested.append("blog-list")
    base = list(base_sections or KINDS[kind]["sections"])
    wanted = set(base) | set(requested) | {"navbar", "hero", "footer"}
    if "booking-form" in requested and "contact-form" in wanted and "contact-form" not in requested:
        wanted.discard("contact-form")
    if "contact-form" in requested and "booking-form" in wanted and "booking-form" not in requested:
        wanted.discard("booking-form")
    if not wanted & {"contact-form", "booking-form", "newsletter"}:
        wanted.add("contact-form")
    ordered = [s for s in SECTION_KINDS if s in wanted]
    return ordered, [s for s in SECTION_KINDS if s in requested]


def _tone(kind: str, text: str, profile: dict) -> str:
    for tone, words in TONE_WORDS.items():
        if any(_contains(text, w) for w in words):
            return tone
    return profile.get("tone") or KINDS[kind]["tone"]


def _theme(kind: str, tone: str, text: str, profile: dict) -> str | dict:
    for words, theme in COLOUR_THEMES:
        if any(_contains(text, w) for w in words):
            return theme
    if "theme" in profile:
        return profile["theme"]
    if tone == "minimal":
        return "mono"
    if tone == "elegant" and kind not in ("salon", "photography"):
        return "midnight" if kind in ("restaurant", "hotel") else "rose"
    if tone == "calm" and kind in ("fitness", "salon"):
        return "forest" if kind == "fitness" else "ocean"
    return KINDS[kind]["theme"]


def _currency(location: str | None, text: str, language: str = "en") -> str:
    if "r$" in text or "reais" in text or any(_contains(text, p) for p in ("brasil", "brazil", "são paulo",
                                                                          "rio de janeiro", "belo horizonte")):
        return "R$"
    if "€" in text or "euro" in text:
        return "€"
    if "£" in text or "pound" in text:
        return "£"
    if "$" in text or "dollar" in text:
        return "$"
    place = (location or "").lower()
    if place in PLACES_EUR or any(_contains(text, p) for p in PLACES_EUR):
        return "€"
    if place in PLACES_GBP or any(_contains(text, p) for p in PLACES_GBP):
        return "£"
    if language in ("es", "pt", "fr", "de") and not any(_contains(text, p) for p in PLACES_DOLLAR):
        return "€"
    return "$"


def _keywords(text: str, kind: str) -> list[str]:
    found = [w.strip() for w in KINDS[kind]["words"] if _contains(text, w)]
    return found[:6]


@lru_cache(maxsize=1024)
def _exact_pattern(word: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def _keyword_profile(text: str) -> dict:
    hits = []
    for word, profile in KEYWORD_PROFILES.items():
        match = _exact_pattern(word).search(text)
        if match:
            hits.append((match.start(), -len(word), profile))
    if not hits:
        return {}
    hits.sort(key=lambda h: (h[0], h[1]))
    merged: dict = {}
    for _, _, profile in reversed(hits):
        merged.update(profile)
    return merged


def _topic(prompt: str) -> str | None:
    match = re.search(r"\babout\s+((?:[a-z][\w'-]*)(?:\s+(?:and|&|[a-z][\w'-]*)){0,4})", prompt)
    if not match:
        return None
    words = match.group(1).split()
    while words and words[-1] in ("and", "&", "with", "for", "in", "the", "a"):
        words.pop()
    cut = [w for w in words if w not in ("with", "for")]
    return " ".join(cut[: cut.index("with")] if "with" in cut else cut) or None


_NAME_PREFIXES = ("Golden", "Corner", "Northside", "Little", "Riverside")


def _invented(kind: str, info: dict, location: str | None, profile: dict, topic: str | None, language: str,
              seed: int) -> str:
    """A name for a prompt that gives none (the brief says so: name_given is False)."""
    if language != "en":
        noun = info.get("noun", {}).get(language)
        if noun and location:
            return f"{noun[:1].upper()}{noun[1:]} {location}"
        return fallback_name(language)
    if info.get("family") == "event" and info.get("deck") == "wedding":
        return f"Our Wedding in {location}" if location else "Our Wedding"
    suffix = info.get("suffix")
    if kind == "blog" and topic and len(topic.split()) <= 4:
        return "Notes on " + " ".join(w if w in _NAME_JOINERS else w.capitalize() for w in topic.split())
    if suffix:
        return f"{location} {suffix}" if location else f"{_NAME_PREFIXES[seed % 5]} {suffix}"
    return _invent_name(kind, location, profile, topic, seed)


def _asked_sections(asks: list[str]) -> list[str]:
    return [ASK_WORDS[a][0] for a in asks if ASK_WORDS[a][0]]


# section(s) -> the sample content they show that the operator should replace before going live
_SAMPLE_FACTS = (
    ({"map"}, "opening hours (sample hours are shown)"),
    ({"menu", "product-grid", "pricing"}, "prices (sample prices are shown)"),
    ({"team"}, "team names, roles and bios (samples are shown)"),
    ({"testimonials"}, "testimonials (sample quotes and names; use real ones with permission)"),
    ({"stats"}, "figures in the numbers section (samples)"),
    ({"schedule"}, "dates and times in the schedule (samples)"),
    ({"sponsors"}, "sponsors (placeholders are shown until you add their names and logos)"),
    ({"app-download"}, "App Store and Google Play links, and real screenshots (drawn phone screens are shown)"),
)


def _facts_to_confirm(sections: list[str], name_given: bool, location: str | None) -> list[str]:
    present = set(sections)
    facts = []
    if not name_given:
        facts.append("business name (the prompt gave none; a sample name is shown)")
    if present & {"map", "contact-form", "footer"}:
        facts.append("address" + ("" if location else " (no place in the prompt)") + ", phone and email "
                     "(samples are shown)")
    facts.extend(fact for wanted, fact in _SAMPLE_FACTS if present & wanted)
    return facts


def analyse_prompt(prompt: str) -> SiteBrief:
    """A site brief inferred from the prompt by rules (deterministic, no network)."""
    text = " " + prompt.lower() + " "
    seed = int(hashlib.sha256(prompt.strip().encode("utf-8")).hexdigest()[:8], 16)
    reading = understand(prompt)
    language = reading.language
    if reading.kind:
        subkind, variant = reading.kind, reading.variant
        info = kind_info(subkind, variant)
        kind = info["family"]
    else:
        subkind, variant, info = "general", None, {}
        kind = "landing"
    profile = _keyword_profile(text) if language == "en" else {}
    name = reading.name
    location = reading.place
    keywords = _keywords(text, kind)
    name_given = name is not None
    topic = _topic(prompt.lower()) if kind == "blog" else None
    if not name and subkind == "general":
        name = fallback_name(language)
    elif not name:
        name = _invented(kind, info, location, profile, topic, language, seed)
    sections, requested = _sections(kind, text, info.get("sections"), _asked_sections(reading.asks),
                                    english=language == "en")
    tone = info.get("tone") if info.get("tone") and not any(
        _contains(text, w) for words in TONE_WORDS.values() for w in words) else _tone(kind, text, profile)
    theme = _theme(kind, tone, text, profile)
    if info.get("theme") and not any(_contains(text, w) for words, _ in COLOUR_THEMES for w in words):
        theme = info["theme"]
    noun = (info.get("noun") or {}).get(language) or (
        " ".join(reading.nouns[:2]) if reading.nouns else {"en": "website", "es": "sitio web", "pt": "site",
                                                           "fr": "site", "de": "Website"}[language])
    unmet = [UNMET_OFFLINE[a] for a in reading.asks if a in UNMET_OFFLINE]
    return SiteBrief(
        prompt=prompt.strip(),
        kind=kind,
        business_name=name,
        name_given=name_given,
        location=location,
        noun=noun,
        sections=sections,
        requested_sections=requested,
        tone=tone,
        theme=theme,
        currency=_currency(location, text, language),
        language=language,
        keywords=keywords + ([topic] if topic else []),
        seed=seed,
        subkind=subkind,
        variant=variant,
        confidence=reading.confidence,
        asks=reading.asks,
        unmet=unmet,
        facts_to_confirm=_facts_to_confirm(sections, name_given, location),
        nouns=reading.nouns,
    )


def brief_from_classification(prompt: str, data: dict | None) -> SiteBrief:
    """The rule-based brief, corrected by a model's classification where that is well-formed."""
    brief = analyse_prompt(prompt)
    if not isinstance(data, dict):
        return brief
    kind = data.get("kind")
    if isinstance(kind, str) and kind in KINDS and kind != brief.kind:
        brief.kind = kind
        brief.sections, brief.requested_sections = _sections(kind, " " + prompt.lower() + " ")
        brief.noun = KINDS[kind]["noun"]
    name = data.get("business_name")
    if isinstance(name, str) and 1 < len(name.strip()) <= 80 and not brief.name_given:
        # a name is given only when the prompt says it; anything else is a sample name to confirm
        brief.business_name = name.strip()
        brief.name_given = name.strip().lower() in prompt.lower()
    sections = data.get("sections")
    if isinstance(sections, list):
        # the classification's list replaces the rules' list ("menu with prices" must not keep a pricing table)
        chosen = {s for s in sections if isinstance(s, str) and s in SECTION_KINDS}
        if len(chosen) >= 2:
            chosen |= {"navbar", "hero", "footer"}
            brief.sections = [s for s in SECTION_KINDS if s in chosen]
    language = data.get("language")
    if isinstance(language, str) and language.strip().lower()[:2] in LANGUAGES:
        brief.language = language.strip().lower()[:2]
    currency = data.get("currency")
    if isinstance(currency, str) and 0 < len(currency.strip()) <= 4:
        brief.currency = currency.strip()
    tone = data.get("tone")
    if isinstance(tone, str) and tone in TONE_WORDS:
        brief.tone = tone
    noun = data.get("noun")
    if isinstance(noun, str) and 2 < len(noun) < 40:
        brief.noun = noun.strip().lower()
    location = data.get("location")
    if isinstance(location, str) and 1 < len(location) < 60 and not brief.location:
        brief.location = location.strip()
    return brief
