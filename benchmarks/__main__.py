import sys

if sys.argv[1:2] == ["browser"]:  # python -m benchmarks browser ...: the browser benchmark (benchmarks/browser.py)
    from benchmarks.browser import main as browser_main

    raise SystemExit(browser_main(sys.argv[2:]))

if sys.argv[1:2] == ["quality"]:  # python -m benchmarks quality ...: the data-quality command at 1M cases
    from benchmarks.quality import main as quality_main

    raise SystemExit(quality_main(sys.argv[2:]))

if sys.argv[1:2] == ["room"]:  # python -m benchmarks room ...: a room of viewers without browsers (benchmarks/room.py)
    from benchmarks.room import main as room_main

    raise SystemExit(room_main(sys.argv[2:]))

if sys.argv[1:2] == ["funnel"]:  # python -m benchmarks funnel ...: the funnel at scale (benchmarks/funnel.py)
    from benchmarks.funnel import main as funnel_main

    raise SystemExit(funnel_main(sys.argv[2:]))

from benchmarks.run import main

raise SystemExit(main())
