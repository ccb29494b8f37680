# A tiny Prometheus client: counters and histograms with labels, exposed in Prometheus's text
# format (what /metrics returns). Real apps use a client library; this one fits on one screen.
import threading

_lock = threading.Lock()
_metrics = []


def _labels(names, values, extra=()):
    pairs = [*zip(names, values), *extra]
    if not pairs:
        return ""
    return "{" + ",".join(f'{name}="{value}"' for name, value in pairs) + "}"


class Counter:
    """A value that only goes up: requests served, errors, bytes sent."""

    def __init__(self, name, help, labelnames=()):
        self.name, self.help, self.labelnames = name, help, tuple(labelnames)
        self.values = {}
        _metrics.append(self)

    def inc(self, amount=1, **labels):
        key = tuple(str(labels[name]) for name in self.labelnames)
        with _lock:
            self.values[key] = self.values.get(key, 0) + amount

    def render(self):
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        for key, value in sorted(self.values.items()):
            lines.append(f"{self.name}{_labels(self.labelnames, key)} {value}")
        return lines


class Histogram:
    """Counts observations (such as durations) in buckets: how many were <= each upper bound."""

    def __init__(self, name, help, labelnames=(), buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)):
        self.name, self.help, self.labelnames = name, help, tuple(labelnames)
        self.buckets = tuple(sorted(buckets)) + (float("inf"),)
        self.series = {}  # label values -> [count per bucket, sum]
        _metrics.append(self)

    def observe(self, value, **labels):
        key = tuple(str(labels[name]) for name in self.labelnames)
        with _lock:
            counts, total = self.series.get(key, ([0] * len(self.buckets), 0.0))
            for index, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[index] += 1  # buckets are cumulative: le="0.5" also counts everything <= 0.1
            self.series[key] = (counts, total + value)

    def render(self):
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        for key, (counts, total) in sorted(self.series.items()):
            for bound, count in zip(self.buckets, counts):
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(f"{self.name}_bucket{_labels(self.labelnames, key, [('le', le)])} {count}")
            lines.append(f"{self.name}_sum{_labels(self.labelnames, key)} {total}")
            lines.append(f"{self.name}_count{_labels(self.labelnames, key)} {counts[-1]}")
        return lines


def exposition():
    """Every metric in Prometheus's text format, as /metrics serves it."""
    with _lock:
        lines = [line for metric in _metrics for line in metric.render()]
    return "\n".join(lines) + "\n"
