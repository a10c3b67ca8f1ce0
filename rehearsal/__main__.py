from rehearsal.cli.main import main

raise SystemExit(main())
