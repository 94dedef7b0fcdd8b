"""The stress document the benchmarks share: form E with its 项目绩效实现情况 filled to 2000 rows."""
from __future__ import annotations

FORM = "suzhou-project-selfeval-2023"


def big_document(rows: int = 2000):
    """Form E's seed sample with indicator rows added up to ``rows`` (产出目标, ≥99.9%, actual 99.95%)."""
    from desktop.core.catalog import load_sample
    from desktop.core.document import Row

    doc = load_sample(FORM)
    table = doc.parts[0].rows["indicators"]
    while len(table) < rows:
        i = len(table)
        table.append(Row(f"r{i:05d}", {"cls": "产出目标", "name": f"第{i}项指标：政务云平台可用率", "target": ">=99.9%",
                                       "actual": "99.95%"}))
    return doc
