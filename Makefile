# Two commands on a fresh clone:
#   make run    install what is needed and start the desk (the demo when nothing is configured)
#   make test   install what is needed and run the whole test suite
# System packages are installed with apt-get when running as root; otherwise the
# exact command to run is printed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Tests run on two workers; those that share pcscd's virtual reader are grouped on one.
TEST_WORKERS ?= 2
SYSTEM_PACKAGES := pcscd libpcsclite-dev vsmartcard-vpcd opensc tmux gcc python3-dev

.PHONY: run test check system-packages pcscd bench clean

run: $(BIN)/.installed pcscd
	$(BIN)/clinic-desk

test: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

check: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(BIN)/.installed pcscd
	for b in bench/bench_*.py; do $(BIN)/python $$b --quick || exit 1; done

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing system packages:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "clinic-desk needs these system packages; run:"; \
	  echo "  sudo apt-get install -y$$missing"; exit 1; \
	fi

# Start the smart-card service for the demo when it is not running (root only;
# on a desk it is started by the system at boot).
pcscd: system-packages
	@if ! pgrep -x pcscd >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then pcscd && echo "started pcscd"; \
	  else echo "pcscd is not running; the demo will use an in-process card (sudo systemctl start pcscd)"; fi; \
	fi

$(BIN)/.installed: pyproject.toml | system-packages
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
