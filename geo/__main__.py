from geo.cli.main import main

main()
