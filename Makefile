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

## bench: speed and memory against a reference measured in the same run (engine, game frames, window, classroom host)
bench: $(STAMP)
	$(BIN)/python bench/run.py
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python bench/game_frames.py
	$(BIN)/python bench/window_frames.py
	$(BIN)/python bench/classroom.py
	$(BIN)/python bench/preview.py

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

# The xAPI tests (tests/lms) send statements to a real LRS on 127.0.0.1: ralph-malph's server with
# its filesystem backend, in a venv of its own so its pinned dependencies stay out of .venv.
# ralph imports requests without declaring it. The venv's own .gitignore keeps git status clean.
LRS_VENV  := .venv-lrs
LRS_STAMP := $(LRS_VENV)/.installed
.PHONY: lrs-venv lrs-server clean-lrs
$(LRS_STAMP):
	@test -x $(LRS_VENV)/bin/python || $(PYTHON) -m venv $(LRS_VENV)
	@echo '*' > $(LRS_VENV)/.gitignore
	$(LRS_VENV)/bin/python -m pip install --quiet 'ralph-malph[cli,lrs]==5.1.0' 'requests>=2.31'
	@touch $(LRS_STAMP)
test: $(LRS_STAMP)
lrs-venv: $(LRS_STAMP)
## lrs-server: a local LRS on http://127.0.0.1:8100/xAPI/ to try LMS reporting (docs/lms.md)
lrs-server: $(STAMP) $(LRS_STAMP)
	$(BIN)/python tests/lms/lrs_server.py --port 8100
clean: clean-lrs
clean-lrs:
	rm -rf $(LRS_VENV)
