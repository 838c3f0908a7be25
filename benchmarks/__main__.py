"""Run the Python-side speed benchmarks: python -m benchmarks"""

from benchmarks import build_and_reopen, label_latency, postgres_latency

if __name__ == "__main__":
    label_latency.main([])
    print()
    build_and_reopen.main()
    print()
    postgres_latency.main([])
