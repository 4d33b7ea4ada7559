"""The benchmark's report: each article count's figures with the databases side by side, then growth."""

BARS = {"article, cache off": 0.10, "article, full-page cache": 0.90}
VARNISH_BAR = 5.0  # through Varnish, times the app's own cached figure
COLUMN = 44


def cell(row):
    if row is None:
        return f"{'':>{COLUMN}}"
    cpu = row["cpu_ms_per_request"]
    return (
        f"{row['requests_per_second']:9.1f} {row['p50_ms']:7.2f} {row['p99_ms']:7.2f} "
        f"{row['ratio_to_ceiling']:8.3f} {'n/a' if cpu is None else f'{cpu:.3f}':>9}"
    ).rjust(COLUMN)


def side_by_side(count, by_database, args):
    print(
        f"\nCitewell, {count} article(s); gunicorn 2 sync workers, DEBUG off; "
        f"wrk -t2 -c{args.connections} -d{args.duration}s; each ratio to its own run's ceiling"
    )
    names = list(by_database)
    print(f"{'':28}" + "".join(f"{name:>{COLUMN}}" for name in names))
    heading = f"{'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'x ceiling':>8} {'CPU ms/req':>9}"
    print(f"{'':28}" + "".join(heading.rjust(COLUMN) for _ in names))
    rows = list(dict.fromkeys(row for results in by_database.values() for row in results["rows"]))
    for row in rows:
        print(f"{row:28}" + "".join(cell(results["rows"].get(row)) for results in by_database.values()))
    for name, results in by_database.items():
        details(name, results)


def details(name, results):
    print(f"{name}:")
    q = results["queries"]
    print(f"  queries per render: article {q['article']}, home {q['home']}")
    print(f"  article HTML: {results['html_bytes']:,} bytes ({results['html_gzip_bytes']:,} gzipped)")
    print(f"  peak memory per worker: {results['peak_worker_memory_mb']} MB")
    search = results["search"]
    print(
        f"  search, one at a time over {search['requests']} requests: p50 {search['p50_ms']} ms, "
        f"p95 {search['p95_ms']} ms, max {search['max_ms']} ms"
    )
    rows = results["rows"]
    for row, bar in BARS.items():
        ratio = rows[row]["ratio_to_ceiling"]
        print(f"  bar: {row} >= {bar:.2f} of the ceiling: {ratio:.3f} {'met' if ratio >= bar else 'NOT MET'}")
    if "varnish_times_app_cached" in results:
        times = results["varnish_times_app_cached"]
        verdict = "met" if times >= VARNISH_BAR else "NOT MET"
        print(f"  bar: article through Varnish >= {VARNISH_BAR:.0f}x the app's cached figure: {times:.2f}x {verdict}")


def growth(all_results):
    counts = sorted(all_results)
    names = [name for name in all_results[counts[0]] if name in all_results[counts[-1]]]
    for name in names:
        small, large = all_results[counts[0]][name], all_results[counts[-1]][name]
        print(f"\nGrowth, {name}: {counts[0]} -> {counts[-1]} articles")
        for page, key in (
            ("article", "article, cache off"),
            ("home", "home, cache off"),
            ("article", "article, full-page cache"),
        ):
            q0, q1 = small["queries"][page], large["queries"][page]
            p0, p1 = small["rows"][key]["p50_ms"], large["rows"][key]["p50_ms"]
            ratio = p1 / p0 if p0 else float("inf")
            print(
                f"  {key:26} queries {q0} -> {q1} ({'same' if q0 == q1 else 'DIFFERENT'}); "
                f"p50 {p0:.2f} -> {p1:.2f} ms, x{ratio:.2f} ({'within' if ratio <= 1.5 else 'OVER'} 1.5)"
            )
