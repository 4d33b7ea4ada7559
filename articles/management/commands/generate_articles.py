import random
import sys
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import markdown
from articles.models import FAQ, Article, Contributor, FoodSource, KeyPoint, Reference, SupplementForm, Topic

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
    "Observational studies link higher intake of {n} with better outcomes for {c}, though such studies cannot prove cause and effect.",
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


class Command(BaseCommand):
    help = "Create N realistic published articles, each with all its rows, in batches."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--batch-size", type=int, default=250)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, batch_size, seed, **options):
        if count < 1 or batch_size < 1:
            raise CommandError("count and --batch-size must be at least 1.")
        rng = random.Random(seed)
        start = Article.objects.count()
        began = time.monotonic()
        names = {*CATEGORY.values(), "Other nutrients", "Supplements", *CONDITION_TOPIC.values()}
        topics = {
            name: Topic.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "description": TOPIC_TEXT.format(name.lower())}
            )[0]
            for name in sorted(names)
        }
        self.team = Contributor.objects.get_or_create(slug=TEAM["slug"], defaults=TEAM)[0]
        made = 0
        while made < count:
            size = min(batch_size, count - made)
            with transaction.atomic():
                self.create_batch(rng, start + made, size, topics)
            made += size
            self.progress(made, count, time.monotonic() - began)
        sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count} articles in {time.monotonic() - began:.1f} s ({Article.objects.count()} in all)."
            )
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

    def create_batch(self, rng, offset, size, topics):
        now = timezone.now()
        drafts = [self.draft(rng, offset + i + 1, now) for i in range(size)]
        articles = Article.objects.bulk_create([article for article, _ in drafts])
        Article.topics.through.objects.bulk_create(
            [
                Article.topics.through(article=article, topic=topics[name])
                for article, (draft, _) in zip(articles, drafts, strict=True)
                for name in draft.topic_names
            ]
        )
        rows = {model: [] for model in (KeyPoint, SupplementForm, FoodSource, FAQ, Reference)}
        for article, (_, children) in zip(articles, drafts, strict=True):
            for model, items in children.items():
                for item in items:
                    item.article = article
                    rows[model].append(item)
        for model, items in rows.items():
            model.objects.bulk_create(items)

    def draft(self, rng, number, now):
        nutrient, daily_value = rng.choice(NUTRIENTS)
        condition = rng.choice(CONDITIONS)
        title = rng.choice(TITLES).format(n=nutrient, c=condition.title())
        named = nutrient if nutrient.startswith("Vitamin") else nutrient.lower()
        words = {"n": named, "c": condition}
        published = now - timedelta(days=rng.randint(1, 5 * 365), minutes=rng.randint(0, 1440))
        children = {
            KeyPoint: [
                KeyPoint(order=i, title=f"Point {i} on {nutrient}", text=rng.choice(SENTENCES).format(**words))
                for i in range(1, 6)
            ],
            SupplementForm: [
                SupplementForm(
                    order=i,
                    name=f"{nutrient} {form}",
                    bioavailability=rng.randint(1, 4),
                    common_use=f"General {condition} support",
                    efficacy=rng.choice(SENTENCES).format(**words),
                    notes=rng.choice(SENTENCES).format(**words),
                )
                for i, form in enumerate(["citrate", "glycinate", "oxide", "complex"], start=1)
            ],
            FoodSource: [],
            FAQ: [],
            Reference: [
                Reference(
                    order=i,
                    authors="Smith J, Lee K, Patel R",
                    year=rng.randint(2005, 2025),
                    title=f"{nutrient} and {condition}: study {number}-{i}",
                    publisher=f"J Nutr Res {rng.randint(1, 40)}({rng.randint(1, 12)}):{rng.randint(1, 900)}",
                    doi=f"10.{rng.randint(1000, 9999)}/cw.{number}.{i}",
                    pmid=str(rng.randint(10**7, 4 * 10**7)),
                )
                for i in range(1, 6)
            ],
        }
        order = 1
        for category, names, serving in rng.sample(FOODS, 4):
            for name in rng.sample(names, 2):
                amount = Decimal(rng.randint(5, 300))
                children[FoodSource].append(
                    FoodSource(
                        order=order,
                        name=name,
                        category=category,
                        serving=serving,
                        amount_mg=amount,
                        source="USDA FoodData Central",
                    )
                )
                order += 1
        for i in range(1, 8):
            faq = FAQ(
                order=i,
                question=f"{rng.choice(['Is', 'Can', 'Should', 'Does'])} {nutrient.lower()} "
                f"{rng.choice(['help', 'affect', 'matter for'])} {condition} ({i})?",
                answer=" ".join(rng.sample(SENTENCES, 2)).format(**words) + f"[^{rng.randint(1, 5)}]",
            )
            faq.answer_html = markdown.render(faq.answer, anchors=False).html
            children[FAQ].append(faq)

        article = Article(
            title=title,
            slug=f"{slugify(title)}-{number}",
            subtitle=f"What studies say about {named}",
            lead=" ".join(rng.sample(SENTENCES, 3)).format(**words),
            summary=" ".join(rng.sample(SENTENCES, 2)).format(**words),
            body=self.body(rng, words, nutrient),
            status=Article.Status.PUBLISHED,
            published_at=published,
            last_reviewed_on=(published + timedelta(days=rng.randint(0, 300))).date(),
            author=self.team,
            medical_reviewer=self.team,
            meta_description=f"What the evidence says about {named} and {condition}."[:160],
            nutrient_name=nutrient if daily_value and daily_value >= 1 else "",
            daily_value_mg=Decimal(str(daily_value)) if daily_value and daily_value >= 1 else None,
        )
        article.created_at = article.updated_at = published
        category = next((topic for prefix, topic in CATEGORY.items() if nutrient.startswith(prefix)), "Other nutrients")
        article.topic_names = [category, CONDITION_TOPIC[condition]] + (["Supplements"] if rng.random() < 0.4 else [])
        derived = markdown.derive_article(
            article,
            {
                "key_points": children[KeyPoint],
                "supplement_forms": children[SupplementForm],
                "food_sources": children[FoodSource],
                "faqs": children[FAQ],
            },
        )
        for name, value in derived.items():
            setattr(article, name, value)
        return article, children

    def body(self, rng, words, nutrient):
        parts = []
        for index, heading in enumerate(SECTIONS):
            parts.append("## " + heading.format(n=nutrient, c=words["c"]))
            for _ in range(rng.randint(2, 3)):
                sentences = rng.sample(SENTENCES, 4)
                text = " ".join(s.format(**words) for s in sentences)
                parts.append(f"{text}[^{rng.randint(1, 5)}]")
            if index == 3:
                parts.append("[[food-sources]]")
            if index == 4:
                parts.append("[[supplement-forms]]")
        return "\n\n".join(parts)
