# cxsim: every target creates or refreshes .venv from pyproject.toml first,
# so `make play` and `make test` are the only set-up a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= scenarios/hike-launch.toml

.PHONY: play test test-slow bench lint schema screenshots docs clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,game]'
	@touch $(STAMP)

## play: open the training game on the flagship scenario
play: $(STAMP)
	$(BIN)/cxsim play $(SCENARIO)

## test: the whole fast suite, headless, plus lint and type checks
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q -n 2 -m "not slow"

## test-slow: the long statistical tests (Erlang C/A over long runs) and the long fuzzing budget (tests/fuzz)
test-slow: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q -n 2 -m slow

## bench: speed and memory against a reference measured in the same run
bench: $(STAMP)
	$(BIN)/python bench/run.py
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python bench/game_frames.py
	$(BIN)/python bench/window_frames.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## schema: regenerate the committed JSON Schema and the format reference
schema: $(STAMP)
	$(BIN)/cxsim schema --out scenarios/scenario.schema.json
	$(BIN)/python -m sim.authoring.docgen docs/scenario-format.md

## screenshots: regenerate docs/screenshots/ by playing the flagship scenario headless
screenshots: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
