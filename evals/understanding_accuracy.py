"""Accuracy of `agent.negotiation.understanding` on real human negotiation messages (CraigslistBargain).

Data: the dev split of CraigslistBargain (He et al. 2018) as parsed by its authors' rule-based parser,
`dev-parsed.json`: every "message" event has `metadata.intent` and `metadata.price`. Those labels are
themselves automatic and noisy (e.g. "I'm well. Broke my arm" is labelled `disagree`), so the figures are
agreement with that parser, measured honestly, not gold accuracy.

Intent mapping (theirs → ours), chosen before looking at our errors:

- init-price, counter-price, insist, vague-price → counter (a price move, with or without a number)
- agree → accept (our accept_with_condition also counts as accept)
- disagree → reject
- inquiry → inquire
- intro → greet
- inform, unknown → "other": not a negotiation act; scored separately (correct when we say off_topic or greet)
- no intent → skipped for act accuracy (still used for price when a price is annotated)

Our delay / out_of_office / stop have no counterpart and count as "other" predictions.

Price: on messages with an annotated price, exact match (to the cent) of our `price_usd` with it; also how
often the annotated price is among all amounts `find_amounts` sees, and how often it is the first one (their
parser labels the first price mentioned). On messages without an annotated price: the share where we
report a price anyway. Each message is read with the context a live negotiation would have: the other side's
last price as our parser read it (no gold labels leak into the context).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from agent.amounts import find_amounts
from agent.negotiation.understanding import NegotiationContext, understand

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/datasets/craigslistbargain/dev-parsed.json"

INTENT_MAP = {
    "init-price": "counter", "counter-price": "counter", "insist": "counter", "vague-price": "counter",
    "agree": "accept", "disagree": "reject", "inquiry": "inquire", "intro": "greet",
    "inform": "other", "unknown": "other",
}
_PREDICTION_BUCKET = {
    "accept": "accept", "accept_with_condition": "accept", "reject": "reject", "counter": "counter",
    "inquire": "inquire", "greet": "greet", "off_topic": "other", "delay": "other", "out_of_office": "other",
    "stop": "other",
}
CLASSES = ("counter", "accept", "reject", "inquire", "greet", "other")


def _is_correct(gold: str, predicted: str) -> bool:
    if gold == "other":
        return predicted in {"other", "greet"}
    return gold == predicted


def evaluate(dialogues: list[dict[str, Any]]) -> dict[str, Any]:
    """Run `understand` over every message event; return counts and accuracies."""
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    seller_total = seller_correct = 0
    price = Counter()
    price_errors: list[dict[str, Any]] = []
    for dialogue in dialogues:
        roles = {i: kb["personal"]["Role"] for i, kb in enumerate(dialogue["scenario"]["kbs"])}
        last_price: dict[int, Decimal | None] = {0: None, 1: None}
        for event in dialogue["events"]:
            agent = int(event["agent"])
            if event["action"] != "message" or not isinstance(event.get("data"), str):
                continue
            text = event["data"]
            meta = event.get("metadata") or {}
            context = NegotiationContext(last_agent_offer_usd=last_price[1 - agent])
            understood = understand(text, context=context)
            if understood.price_usd is not None:
                last_price[agent] = understood.price_usd
            gold = INTENT_MAP.get(meta.get("intent") or "")
            if gold is not None:
                predicted = _PREDICTION_BUCKET[understood.intent.value]
                confusion[gold][predicted] += 1
                if roles.get(agent) == "seller" and gold != "other":
                    seller_total += 1
                    seller_correct += _is_correct(gold, predicted)
            annotated = meta.get("price")
            if annotated is not None:
                want = Decimal(str(annotated)).quantize(Decimal("0.01"))
                found = [a.usd for a in find_amounts(text)]
                price["annotated"] += 1
                price["exact"] += understood.price_usd == want
                price["among_found"] += want in found
                price["first_found"] += bool(found) and found[0] == want
                price["missed"] += understood.price_usd is None
                if understood.price_usd != want and len(price_errors) < 25:
                    price_errors.append({"text": text, "annotated": str(want),
                                         "ours": None if understood.price_usd is None else str(understood.price_usd)})
            else:
                price["unannotated"] += 1
                price["spurious"] += understood.price_usd is not None

    per_class = {}
    for gold in CLASSES:
        row = confusion.get(gold, Counter())
        total = sum(row.values())
        correct = sum(n for p, n in row.items() if _is_correct(gold, p))
        per_class[gold] = {"n": total, "correct": correct, "accuracy": round(correct / total, 4) if total else None,
                           "predicted": dict(row.most_common())}
    acts = [c for c in CLASSES if c != "other"]
    act_n = sum(per_class[c]["n"] for c in acts)
    act_correct = sum(per_class[c]["correct"] for c in acts)
    all_n = act_n + per_class["other"]["n"]
    all_correct = act_correct + per_class["other"]["correct"]

    def share(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "act_accuracy": share(act_correct, act_n),
        "act_n": act_n,
        "act_accuracy_incl_other": share(all_correct, all_n),
        "act_accuracy_seller": share(seller_correct, seller_total),
        "per_class": per_class,
        "price": {
            "annotated": price["annotated"],
            "exact_accuracy": share(price["exact"], price["annotated"]),
            "annotated_among_found": share(price["among_found"], price["annotated"]),
            "annotated_is_first_found": share(price["first_found"], price["annotated"]),
            "missed": share(price["missed"], price["annotated"]),
            "unannotated": price["unannotated"],
            "spurious_rate": share(price["spurious"], price["unannotated"]),
        },
        "price_error_examples": price_errors,
    }


def _print(report: dict[str, Any], console: Console) -> None:
    table = Table(title="Act (their intent mapped to ours)")
    table.add_column("gold")
    table.add_column("n", justify="right")
    table.add_column("accuracy", justify="right")
    table.add_column("predicted as")
    for gold, row in report["per_class"].items():
        acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.1%}"
        table.add_row(gold, str(row["n"]), acc, ", ".join(f"{p} {n}" for p, n in row["predicted"].items()))
    console.print(table)
    console.print(f"act accuracy (negotiation acts, n={report['act_n']}): {report['act_accuracy']:.1%}; "
                  f"incl. other: {report['act_accuracy_incl_other']:.1%}; seller turns: "
                  f"{report['act_accuracy_seller']:.1%}")
    p = report["price"]
    prices = Table(title="Price")
    prices.add_column("measure")
    prices.add_column("value", justify="right")
    prices.add_row(f"exact match of our price (n={p['annotated']} annotated)", f"{p['exact_accuracy']:.1%}")
    prices.add_row("annotated price among all amounts found", f"{p['annotated_among_found']:.1%}")
    prices.add_row("annotated price is the first amount found", f"{p['annotated_is_first_found']:.1%}")
    prices.add_row("no price found though annotated", f"{p['missed']:.1%}")
    prices.add_row(f"price found though none annotated (n={p['unannotated']})", f"{p['spurious_rate']:.1%}")
    console.print(prices)


@click.command("understanding-accuracy")
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=DEFAULT_DATA, show_default=True, help="CraigslistBargain parsed JSON.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the full report as JSON here.")
@click.option("--limit", type=int, default=None, help="Only the first N dialogues (quick look).")
def command(data_path: Path, json_out: Path | None, limit: int | None) -> None:
    """Measure act and price accuracy of the message understanding on CraigslistBargain dev."""
    dialogues = json.loads(data_path.read_text(encoding="utf-8"))
    report = evaluate(dialogues[:limit] if limit else dialogues)
    _print(report, Console())
    if json_out:
        json_out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        click.echo(f"wrote {json_out}")


if __name__ == "__main__":
    command()
