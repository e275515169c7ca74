"""The demo: two small agents (`agents`) and the script behind `talvix demo` (`run`). Production
workers never import this package."""
