"""`make eval-dedupe`: precision/recall of same-story pairs on the labelled set fixtures/dedupe-eval/.

Every document of ``docs.jsonl`` is assigned to a story by the real algorithm
(:class:`crawler.dedupe.StoryIndex` over a fresh in-memory SQLite store), once in file order
(forward), once reversed and in a few shuffled orders. A pair of documents is predicted
"same story" when both end in one story of the final index (merges followed: lines written
before a merge keep their old id, which the index resolves). Precision and recall are over
all pairs of documents, against the ``label`` of each document. ``--text-only`` ignores hard
keys (story_id, URLs) and measures the near-duplicate stage alone.

Exit 1 when precision < 0.99, recall < 0.95, or the clusters differ between orders.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from itertools import combinations
from pathlib import Path

from crawler.dedupe import SQLiteStoryStore, StoryIndex, Thresholds, hard_keys, is_compilation, key_hash
from crawler.jsonl import iter_lines

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "fixtures" / "dedupe-eval"
TARGET_PRECISION, TARGET_RECALL = 0.99, 0.95


def load(folder: Path = EVAL) -> tuple[list[dict], list[dict]]:
    docs = [json.loads(line) for line in iter_lines((folder / "docs.jsonl").read_text(encoding="utf-8"))]
    negatives = json.loads((folder / "hard_negatives.json").read_text(encoding="utf-8"))
    return docs, negatives


def cluster(docs: list[dict], order: list[int], text_only: bool = False,
            thresholds: Thresholds | None = None) -> dict[str, str]:
    """{item_id: final story id} after assigning docs in the given order."""
    store = SQLiteStoryStore(":memory:")
    index = StoryIndex(store, thresholds or Thresholds())
    for i in order:
        d = docs[i]
        sid = None if text_only else d.get("story_id")
        keys = [] if text_only else hard_keys(sid, d.get("canonical_url"), d.get("original_url"))
        index.assign(d["item_id"], d.get("body"), sid, keys, is_compilation(d.get("headline"), d.get("body")))
    out = {}
    for d in docs:
        doc = store.doc_for_item(key_hash("item:" + d["item_id"]))
        out[d["item_id"]] = store.story_sid(store.root(doc.story))
    store.close()
    return out


def partition(assign: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for item, sid in assign.items():
        groups.setdefault(sid, set()).add(item)
    return {frozenset(g) for g in groups.values()}


def pair_scores(docs: list[dict], assign: dict[str, str]) -> dict:
    tp = fp = fn = 0
    missed, wrong = [], []
    for a, b in combinations(docs, 2):
        truth = a["label"] == b["label"]
        pred = assign[a["item_id"]] == assign[b["item_id"]]
        if truth and pred:
            tp += 1
        elif pred:
            fp += 1
            wrong.append((a["item_id"], b["item_id"]))
        elif truth:
            fn += 1
            missed.append((a["item_id"], b["item_id"]))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "missed": missed, "wrong": wrong}


def evaluate(text_only: bool = False, shuffles: int = 5, thresholds: Thresholds | None = None,
             folder: Path = EVAL) -> dict:
    docs, negatives = load(folder)
    n = len(docs)
    fwd = cluster(docs, list(range(n)), text_only, thresholds)
    rev = cluster(docs, list(reversed(range(n))), text_only, thresholds)
    orders_agree = partition(fwd) == partition(rev)
    for seed in range(shuffles):
        order = list(range(n))
        random.Random(seed).shuffle(order)
        orders_agree &= partition(cluster(docs, order, text_only, thresholds)) == partition(fwd)
    scores = pair_scores(docs, fwd)
    rev_scores = pair_scores(docs, rev)
    neg_hit = [x for x in negatives if fwd[x["a"]] == fwd[x["b"]]]
    return {"docs": n, "positive_pairs": scores["tp"] + scores["fn"], "hard_negatives": len(negatives),
            "forward": scores, "reverse": rev_scores, "orders_agree": orders_agree, "hard_negatives_merged": neg_hit,
            "stories": len(partition(fwd)), "labels": len({d["label"] for d in docs})}


def report(name: str, r: dict) -> list[str]:
    f, b = r["forward"], r["reverse"]
    lines = [f"[{name}] {r['docs']} documents, {r['labels']} labelled stories, {r['positive_pairs']} same-story pairs, "
             f"{r['hard_negatives']} listed hard negatives",
             f"  forward: precision {f['precision']:.3f}  recall {f['recall']:.3f}  (tp {f['tp']} fp {f['fp']} fn {f['fn']})",
             f"  reverse: precision {b['precision']:.3f}  recall {b['recall']:.3f}  (tp {b['tp']} fp {b['fp']} fn {b['fn']})",
             f"  same clusters forward, reverse and shuffled: {'yes' if r['orders_agree'] else 'NO'}"
             f"  ({r['stories']} stories found)",
             f"  hard negatives merged: {len(r['hard_negatives_merged'])}"]
    lines += [f"    MERGED {x['a']} + {x['b']} ({x['why']})" for x in r["hard_negatives_merged"]]
    lines += [f"    missed {a} ~ {b}" for a, b in f["missed"]]
    lines += [f"    wrong  {a} ~ {b}" for a, b in f["wrong"]]
    return lines


def passes(r: dict) -> bool:
    return all(r[k]["precision"] >= TARGET_PRECISION and r[k]["recall"] >= TARGET_RECALL for k in ("forward", "reverse")) \
        and r["orders_agree"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--text-only", action="store_true", help="ignore hard keys: the near-duplicate stage alone")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    ap.add_argument("--sweep", action="store_true", help="print pair similarities and a threshold sweep")
    args = ap.parse_args(argv)
    if args.sweep:
        sweep()
        return 0
    full = evaluate(text_only=False)
    text = evaluate(text_only=True)
    if args.json:
        print(json.dumps({"full": full, "text_only": text}, indent=1, default=list))
    else:
        print("\n".join(report("hard keys + near duplicates", full)))
        print("\n".join(report("near duplicates only (hard keys ignored)", text)))
        print(f"targets: precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL}, same clusters in every order")
    ok = passes(full) and (passes(text) or not args.text_only)
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1



def pair_table(text_only: bool = True, folder: Path = EVAL) -> list[dict]:
    """Estimated similarities of every pair of documents (for choosing thresholds)."""
    from crawler.dedupe.fingerprint import BODY_PERM, bbit_jaccard, containment, fingerprint
    docs, _ = load(folder)
    fps = [fingerprint(d.get("body")) for d in docs]
    comp = [is_compilation(d.get("headline"), d.get("body")) for d in docs]
    rows = []
    for i, j in combinations(range(len(docs)), 2):
        if comp[i] or comp[j]:
            continue
        a, b = fps[i], fps[j]
        jb = bbit_jaccard(a.sig[:BODY_PERM], b.sig[:BODY_PERM])
        jl = bbit_jaccard(a.sig[BODY_PERM:], b.sig[BODY_PERM:])
        rows.append({"a": docs[i]["item_id"], "b": docs[j]["item_id"], "same": docs[i]["label"] == docs[j]["label"],
                     "jaccard": jb, "containment": containment(jb, a.n_body, b.n_body) if min(a.n_body, b.n_body) >= 40 else 0.0,
                     "lead": containment(jl, a.n_lead, b.n_lead), "min_lead": min(a.n_lead, b.n_lead),
                     "min_body": min(a.n_body, b.n_body)})
    return rows


def sweep() -> None:
    rows = pair_table()
    pos = [r for r in rows if r["same"]]
    neg = [r for r in rows if not r["same"]]
    print(f"{len(pos)} same-story pairs, {len(neg)} different-story pairs (digest pages excluded)")
    for rule in ("jaccard", "containment", "lead"):
        top_neg = sorted(neg, key=lambda r: -r[rule])[:3]
        print(f"{rule:12} highest different-story pairs: " +
              ", ".join(f"{r[rule]:.2f} ({r['a']} ~ {r['b']})" for r in top_neg))
    print("same-story pairs by their best rule (lowest first):")
    for r in sorted(pos, key=lambda r: max(r["jaccard"], r["containment"], r["lead"]))[:12]:
        print(f"  jaccard {r['jaccard']:.2f} containment {r['containment']:.2f} lead {r['lead']:.2f} "
              f"(min lead {r['min_lead']})  {r['a']} ~ {r['b']}")
    print("threshold sweep, pair by pair (no transitive help): pairs decided same / different")
    t = Thresholds()

    def decide(r, jac, cont, lead):
        if r["min_body"] < t.min_shingles:
            return False
        return (r["jaccard"] >= jac or (r["min_body"] >= t.min_containment_shingles and r["containment"] >= cont)
                or (r["min_lead"] >= t.min_lead_shingles and r["lead"] >= lead))

    for jac in (0.2, 0.3, 0.5, 0.7):
        for cont in (0.4, 0.5, 0.65, 0.8):
            for lead in (0.3, 0.5, 0.7, 0.9):
                tp = sum(decide(r, jac, cont, lead) for r in pos)
                fp = sum(decide(r, jac, cont, lead) for r in neg)
                mark = "  <- chosen" if (jac, cont, lead) == (t.jaccard, t.containment, t.lead_containment) else ""
                print(f"  jaccard {jac:.1f} containment {cont:.2f} lead {lead:.2f}: "
                      f"pair precision {tp / max(1, tp + fp):.3f} pair recall {tp / len(pos):.3f} (fp {fp}){mark}")


if __name__ == "__main__":
    sys.exit(main())
