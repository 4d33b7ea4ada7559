import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import FAQ, ROWS, Article, Contributor, FoodSource, KeyPoint, Reference, SupplementForm, Topic

NUTRIENTS = [
    ("Vitamin D", 20),
    ("Calcium", 1300),
    ("Zinc", 11),
    ("Iron", 18),
    ("Magnesium", 420),
    ("Potassium", 4700),
    ("Vitamin C", 90),
    ("Folate", 0.4),
    ("Vitamin B12", 0.0024),
    ("Omega-3 fatty acids", None),
    ("Selenium", 0.055),
    ("Iodine", 0.15),
    ("Vitamin K", 0.12),
    ("Fiber", None),
    ("Probiotics", None),
    ("Vitamin A", 0.9),
    ("Choline", 550),
    ("Vitamin E", 15),
]
TEAM = {
    "slug": "citewell-editorial-team",
    "name": "Citewell Editorial Team",
    "role": Contributor.Role.MEDICAL_REVIEWER,
    "kind": Contributor.Kind.ORGANIZATION,
}
CONDITIONS = [
    "osteoporosis",
    "sleep",
    "anemia",
    "heart health",
    "immunity",
    "migraine",
    "fatigue",
    "blood pressure",
    "pregnancy",
    "low mood",
    "muscle cramps",
    "colds",
    "joint pain",
    "memory",
    "blood sugar",
    "skin health",
    "eye health",
    "hair loss",
]
CATEGORY = {
    "Vitamin": "Vitamins",
    "Calcium": "Minerals",
    "Zinc": "Minerals",
    "Iron": "Minerals",
    "Magnesium": "Minerals",
    "Potassium": "Minerals",
    "Selenium": "Minerals",
    "Iodine": "Minerals",
}
CONDITION_TOPIC = {
    "osteoporosis": "Bone health",
    "joint pain": "Bone health",
    "sleep": "Sleep",
    "anemia": "Blood health",
    "heart health": "Heart health",
    "blood pressure": "Heart health",
    "immunity": "Immunity",
    "colds": "Immunity",
    "migraine": "Brain health",
    "memory": "Brain health",
    "low mood": "Brain health",
    "pregnancy": "Pregnancy",
    "fatigue": "Energy",
    "muscle cramps": "Energy",
    "blood sugar": "Metabolism",
    "skin health": "Skin, hair and eyes",
    "eye health": "Skin, hair and eyes",
    "hair loss": "Skin, hair and eyes",
}
TOPIC_TEXT = "Evidence-based articles about {}."


TITLES = [
    "Does {n} Help {c}?",
    "{n} and {c}: What the Evidence Shows",
    "Can {n} Improve {c}?",
    "How Much {n} Do You Need for {c}?",
]
FOODS = [
    ("Nuts and seeds", ["Pumpkin seeds", "Almonds", "Chia seeds", "Cashews", "Sunflower seeds"], "1 oz"),
    ("Leafy greens", ["Spinach, boiled", "Kale, cooked", "Swiss chard", "Collard greens"], "1/2 cup"),
    ("Legumes", ["Black beans", "Lentils", "Chickpeas", "Edamame"], "1/2 cup"),
    ("Whole grains", ["Brown rice", "Oats", "Quinoa", "Whole wheat bread"], "1 serving"),
    ("Fish and seafood", ["Salmon", "Sardines", "Oysters", "Tuna"], "3 oz"),
    ("Dairy", ["Yogurt, plain", "Milk", "Cheddar cheese"], "1 cup"),
    ("Fruit", ["Avocado", "Banana", "Orange", "Kiwi"], "1 medium"),
]
SENTENCES = [
    "Observational studies link higher intake of {n} with better outcomes for {c}, "
    "though such studies cannot prove cause and effect.",
    "Randomized trials of {n} supplements for {c} have been small and short, and their results are mixed.",
    "People with a documented deficiency of {n} are the group most likely to benefit.",
    "Most adults can meet their needs for {n} from a varied diet without supplements.",
    "Absorption of {n} depends on the form, the dose and what it is taken with.",
    "Very high doses of {n} can cause side effects and interact with common medicines.",
    "Guidelines from national health bodies set an upper limit for daily intake of {n}.",
    "Researchers are still studying how {n} works in the body in relation to {c}.",
    "A healthcare provider can test levels of {n} when symptoms suggest a deficiency.",
    "Older adults, pregnant people and those with certain conditions may need more {n}.",
]
SECTIONS = [
    "Why {n} Matters",
    "What the Research Says About {n} and {c}",
    "Who Might Benefit",
    "Food Sources of {n}",
    "Supplements: Forms and Doses",
    "Risks and Interactions",
    "The Bottom Line",
]


@dataclass
class Subject:
    """What one generated article is about, and the words its sentences are filled with."""

    nutrient: str
    daily_value: float | None
    condition: str

    @property
    def words(self):
        named = self.nutrient if self.nutrient.startswith("Vitamin") else self.nutrient.lower()
        return {"n": named, "c": self.condition}

    def say(self, rng, count=1):
        return " ".join(rng.sample(SENTENCES, count)).format(**self.words)


def sample_rows(rng, subject, number):
    """A generated article's rows, by relation name."""
    nutrient, condition = subject.nutrient, subject.condition
    rows = {
        "key_points": [KeyPoint(order=i, title=f"Point {i} on {nutrient}", text=subject.say(rng)) for i in range(1, 6)],
        "supplement_forms": [
            SupplementForm(
                order=i,
                name=f"{nutrient} {form}",
                bioavailability=rng.randint(1, 4),
                common_use=f"General {condition} support",
                efficacy=subject.say(rng),
                notes=subject.say(rng),
            )
            for i, form in enumerate(["citrate", "glycinate", "oxide", "complex"], start=1)
        ],
        "references": [
            Reference(
                order=i,
                key=f"study{i}",
                authors="Smith J, Lee K, Patel R",
                year=rng.randint(2005, 2025),
                title=f"{nutrient} and {condition}: study {number}-{i}",
                publisher="J Nutr Res",
                volume=str(rng.randint(1, 40)),
                issue=str(rng.randint(1, 12)),
                pages=str(rng.randint(1, 900)),
                doi=f"10.{rng.randint(1000, 9999)}/cw.{number}.{i}",
                pmid=str(rng.randint(10**7, 4 * 10**7)),
            )
            for i in range(1, 6)
        ],
    }
    foods = [
        (category, name, serving) for category, names, serving in rng.sample(FOODS, 4) for name in rng.sample(names, 2)
    ]
    rows["food_sources"] = [
        FoodSource(
            order=order,
            name=name,
            category=category,
            serving=serving,
            amount=Decimal(rng.randint(5, 300)),
            source="USDA FoodData Central",
        )
        for order, (category, name, serving) in enumerate(foods, start=1)
    ]
    rows["faqs"] = []
    for i in range(1, 8):
        verb, effect = rng.choice(["Is", "Can", "Should", "Does"]), rng.choice(["help", "affect", "matter for"])
        faq = FAQ(
            order=i,
            question=f"{verb} {nutrient.lower()} {effect} {condition} ({i})?",
            answer=subject.say(rng, 2) + f"[^study{rng.randint(1, 5)}]",
        )
        faq.refresh_derived()
        rows["faqs"].append(faq)
    return rows


def sample_body(rng, subject):
    parts = []
    for index, heading in enumerate(SECTIONS):
        parts.append("## " + heading.format(n=subject.nutrient, c=subject.condition))
        parts.extend(f"{subject.say(rng, 4)}[^study{rng.randint(1, 5)}]" for _ in range(rng.randint(2, 3)))
        if index == 3:
            parts.append("[[food-sources]]")
        if index == 4:
            parts.append("[[supplement-forms]]")
    return "\n\n".join(parts)


def sample_article(rng, number, now, team):
    """A published article with all its rows (unsaved), its derived fields worked out, and the
    names of its topics in `topic_names`."""
    subject = Subject(*rng.choice(NUTRIENTS), rng.choice(CONDITIONS))
    nutrient, condition, named = subject.nutrient, subject.condition, subject.words["n"]
    title = rng.choice(TITLES).format(n=nutrient, c=condition.title())
    published = now - timedelta(days=rng.randint(1, 5 * 365), minutes=rng.randint(0, 1440))
    rows = sample_rows(rng, subject, number)
    measured = bool(subject.daily_value and subject.daily_value >= 1)
    article = Article(
        title=title,
        slug=f"{slugify(title)}-{number}",
        subtitle=f"What studies say about {named}",
        lead=subject.say(rng, 3),
        summary=subject.say(rng, 2),
        body=sample_body(rng, subject),
        status=Article.Status.PUBLISHED,
        published_at=published,
        author=team,  # nobody reviewed a generated article: its page says so
        meta_description=f"What the evidence says about {named} and {condition}."[:160],
        nutrient_name=nutrient if measured else "",
        daily_value=Decimal(str(subject.daily_value)) if measured else None,
    )
    article.created_at = article.updated_at = published
    category = next((topic for prefix, topic in CATEGORY.items() if nutrient.startswith(prefix)), "Other nutrients")
    article.topic_names = [category, CONDITION_TOPIC[condition]] + (["Supplements"] if rng.random() < 0.4 else [])
    article.refresh_derived(rows)
    return article, rows


class Command(BaseCommand):
    help = "Create N realistic published articles, each with all its rows, in batches."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--batch-size", type=int, default=250)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, batch_size, seed, **options):
        if count < 1 or batch_size < 1:
            raise CommandError("count and --batch-size must be at least 1.")
        rng = random.Random(seed)  # noqa: S311 - repeatable sample data, not a secret
        start = Article.objects.count()
        began = time.monotonic()
        names = {*CATEGORY.values(), "Other nutrients", "Supplements", *CONDITION_TOPIC.values()}
        topics = {
            name: Topic.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "description": TOPIC_TEXT.format(name.lower())}
            )[0]
            for name in sorted(names)
        }
        team = Contributor.objects.get_or_create(slug=TEAM["slug"], defaults=TEAM)[0]
        made = 0
        while made < count:
            size = min(batch_size, count - made)
            with transaction.atomic():
                drafts = [sample_article(rng, start + made + i + 1, timezone.now(), team) for i in range(size)]
                create_batch(drafts, topics)
            made += size
            self.progress(made, count, time.monotonic() - began)
        sys.stderr.write("\n")
        total = Article.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Created {count} articles in {time.monotonic() - began:.1f} s ({total} in all).")
        )

    def progress(self, done, total, elapsed):
        width = 30
        filled = width * done // total
        rate = done / elapsed if elapsed else 0
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} articles "
            f"{100 * done // total:3d}%  {rate:,.0f}/s"
        )
        sys.stderr.flush()


def create_batch(drafts, topics):
    """Store drafted articles with their topics and rows, a few queries for the whole batch."""
    articles = Article.objects.bulk_create([article for article, _ in drafts])
    links = Article.topics.through
    links.objects.bulk_create(
        [links(article=article, topic=topics[name]) for article in articles for name in article.topic_names]
    )
    for name, model in ROWS:
        items = []
        for article, (_, rows) in zip(articles, drafts, strict=True):
            for row in rows[name]:
                row.article = article
                items.append(row)
        model.objects.bulk_create(items)
