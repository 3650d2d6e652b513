// Panel 4: the optimizers (each with a learning-rate slider on a log scale, and momentum or
// the β's), descend or ascend, the steps; every change re-runs at once from the same starts.
// The paths animate with play, pause, single step and speed; each run's status and message.
import { debounce, latestOnly, num, post, unpack } from "../api.js";
import { COLORS, OPTIMIZERS } from "../store.js";

const EXTRA = {
  momentum: { label: "μ", min: 0, max: 0.99, step: 0.01 },
  rho: { label: "ρ", min: 0, max: 0.999, step: 0.001 },
  beta1: { label: "β₁", min: 0, max: 0.99, step: 0.01 },
  beta2: { label: "β₂", min: 0.9, max: 0.9999, step: 0.0001 },
};

/** The request settings of a chosen optimizer (line search is plain descent that backtracks). */
export function settings(run) {
  const out = { optimizer: run.id === "linesearch" ? "gd" : run.id, learning_rate: run.lr,
    line_search: run.id === "linesearch" };
  for (const key of Object.keys(EXTRA)) if (key in run) out[key] = run[key];
  return out;
}

export function label(id) {
  return OPTIMIZERS.find((o) => o.id === id).name;
}

/** A run's status as the table shows it: a run stopped by the steps box is "out of steps". */
export function statusWords(status) {
  return status === "max_iterations" ? "out of steps" : status;
}

/** The library's message about a run in this page's words: the steps box for max_iter,
 * η for learning_rate, the tolerance as its number. */
export function pageWords(message) {
  return message
    .replace(/\bmax_iter=(\d+) steps/g, "$1 steps")
    .replace(/\braise max_iter\b/g, "raise the steps")
    .replace(/\btol=/g, "")
    .replace(/\btry learning_rate (?=\d)/g, "try η = ")
    .replace(/\blearning_rate\b/g, "learning rate η")
    .replace(/; try (\d[\d.e+-]*)$/, "; try η = $1");
}

/** The paths drawn at the current frame: each run from each start, up to `frame` steps. */
export function pathsUpTo({ race, frame }) {
  if (!race) return [];
  const out = [];
  for (const run of race.runs) {
    run.results.forEach((r, s) => {
      const shown = Math.min(frame, r.iterations) + 1;
      out.push({ id: run.id, label: label(run.id), first: s === 0, start: s,
        x: Array.from({ length: shown }, (_, k) => r.path[2 * k]),
        y: Array.from({ length: shown }, (_, k) => r.path[2 * k + 1]),
        values: Array.from(r.values.subarray(0, shown)) });
    });
  }
  return out;
}

export function start(store, root) {
  const body = root.querySelector("#optimizers tbody");
  const statuses = root.querySelector("#statuses tbody");
  const frameText = root.querySelector("#frame");
  const startsText = root.querySelector("#starts-list");
  const stepsInput = root.querySelector("#race-steps");
  const speed = root.querySelector("#speed");
  const latest = latestOnly();
  let playing = false;
  let last = 0;
  let carry = 0;

  // --- the optimizer table
  for (const spec of OPTIMIZERS) {
    const row = document.createElement("tr");
    row.dataset.optimizer = spec.id;
    const chosen = () => store.get().runs.find((r) => r.id === spec.id);
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: !!chosen() });
    const name = document.createElement("label");
    name.innerHTML = `<span class="swatch" style="background:${COLORS[spec.id]}"></span>`;
    name.append(spec.name);
    const lr = Object.assign(document.createElement("input"), { type: "range", min: -4, max: 1, step: 0.01 });
    lr.className = "lr";
    lr.setAttribute("aria-label", `learning rate of ${spec.name} (log scale)`);
    const shown = Object.assign(document.createElement("span"), { className: "value" });
    const current = () => chosen() || { id: spec.id, lr: spec.lr, ...(spec.extra || {}) };
    lr.value = Math.log10(current().lr);
    shown.textContent = num(current().lr);
    const extras = document.createElement("td");
    extras.className = "extra";
    const update = (patch, why) => {
      const runs = store.get().runs.map((r) => (r.id === spec.id ? { ...r, ...patch } : r));
      store.set({ runs }, why);
    };
    for (const [key, value] of Object.entries(spec.extra || {})) {
      const e = EXTRA[key];
      const wrap = document.createElement("label");
      const slider = Object.assign(document.createElement("input"),
        { type: "range", min: e.min, max: e.max, step: e.step, value: current()[key] ?? value });
      slider.dataset.key = key;
      const text = Object.assign(document.createElement("span"), { textContent: num(Number(slider.value)) });
      slider.addEventListener("input", () => {
        text.textContent = num(Number(slider.value));
        if (chosen()) update({ [key]: Number(slider.value) }, "slider");
      });
      wrap.append(`${e.label} `, slider, " ", text);
      extras.append(wrap);
    }
    lr.addEventListener("input", () => {
      const value = Number((10 ** Number(lr.value)).toPrecision(3));
      shown.textContent = num(value);
      if (chosen()) update({ lr: value }, "slider");
    });
    box.addEventListener("change", () => {
      const others = store.get().runs.filter((r) => r.id !== spec.id);
      if (box.checked) {
        const run = { id: spec.id, lr: Number((10 ** Number(lr.value)).toPrecision(3)) };
        for (const input of extras.querySelectorAll("input")) run[input.dataset.key] = Number(input.value);
        store.set({ runs: [...others, run].slice(0, 8) }, "choose");
      } else {
        store.set({ runs: others }, "choose");
      }
    });
    const cells = [box, name, [lr, " ", shown]].map((content) => {
      const cell = document.createElement("td");
      cell.append(...[content].flat());
      return cell;
    });
    row.append(...cells, extras);
    body.append(row);
  }

  // --- direction, steps, starts
  for (const radio of root.querySelectorAll('input[name="direction"]')) {
    radio.checked = radio.value === store.get().direction;
    radio.addEventListener("change", () => store.set({ direction: radio.value, basins: null }, "choose"));
  }
  stepsInput.value = store.get().steps;
  stepsInput.addEventListener("change", () => {
    const steps = Math.round(Number(stepsInput.value));
    if (steps >= 1 && steps <= 10000) store.set({ steps }, "choose");
  });
  root.querySelector("#starts-clear").addEventListener("click", () => store.set({ starts: [], race: null, picked: null }));
  const showStarts = ({ starts }) => {
    startsText.textContent = starts.length ? `starts: ${starts.map((p) => `(${p.join(", ")})`).join(" ")}`
      : "click the map to place a start";
  };
  showStarts(store.get());
  store.on(["starts"], showStarts);

  // --- running
  async function descend(why) {
    const { equation, runs, starts, direction, steps, reading } = store.get();
    if (!reading || reading.equation !== equation || reading.variables.length !== 2) return;
    if (!runs.length || !starts.length) {
      store.set({ race: null });
      statuses.replaceChildren();
      return;
    }
    let answer;
    try {
      answer = await post("descend", { equation, starts, runs: runs.map(settings),
        maximize: direction === "ascend", max_iter: steps }, { signal: latest() });
    } catch (e) {
      if (e.name === "AbortError") return;
      statuses.innerHTML = "";
      const row = statuses.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 5;
      cell.className = "status-diverged";
      cell.textContent = e.message;
      return;
    }
    const race = { runs: answer.runs.map((run, k) => ({ id: runs[k].id, results: run.results.map((r) => ({
      ...r, path: unpack(r.path), values: unpack(r.values) })) })) };
    race.length = Math.max(...race.runs.flatMap((r) => r.results.map((x) => x.iterations)));
    showStatuses(race);
    const animate = why === "start" || why === "play";
    store.set({ race, frame: animate ? 0 : race.length }, why);
    if (animate) play();
  }
  const soon = debounce(descend, 40);
  store.on(["runs", "starts", "direction", "steps", "reading"], (state, why) => {
    if (why === "slider") soon(why);
    else descend(why);
  });

  function showStatuses(race) {
    statuses.replaceChildren();
    for (const run of race.runs) {
      run.results.forEach((r, s) => {
        const row = statuses.insertRow();
        row.dataset.optimizer = run.id;
        row.insertCell().innerHTML = `<span class="swatch" style="background:${COLORS[run.id]}"></span>`;
        row.cells[0].append(`${label(run.id)}, start ${s + 1}`);
        const status = row.insertCell();
        status.textContent = statusWords(r.status);
        status.className = `status status-${r.status}`;
        row.insertCell().textContent = r.iterations;
        const value = row.insertCell();  // four figures: the table is narrow
        value.className = "value";
        const end = r.values[r.iterations];
        value.textContent = Number.isFinite(end) ? num(Number(end.toPrecision(4))) : num(end);
        const message = row.insertCell();
        message.className = "message";
        message.textContent = pageWords(r.message);
      });
    }
  }

  // --- the player
  const showFrame = ({ race, frame }) => {
    frameText.textContent = race ? `step ${Math.min(frame, race.length)} of ${race.length}` : "";
  };
  store.on(["frame", "race"], showFrame);
  function tick(now) {
    const { race, frame } = store.get();
    if (!playing || !race) return;
    const rate = 10 ** Number(speed.value); // steps a second
    carry += ((now - last) / 1000) * rate;
    last = now;
    const advance = Math.floor(carry);
    if (advance >= 1) {
      carry -= advance;
      const next = Math.min(frame + advance, race.length);
      store.set({ frame: next });
      if (next >= race.length) {
        playing = false;
        return;
      }
    }
    requestAnimationFrame(tick);
  }
  function play() {
    const { race, frame } = store.get();
    if (!race) return;
    if (frame >= race.length) store.set({ frame: 0 });
    if (playing) return;
    playing = true;
    last = performance.now();
    carry = 0;
    requestAnimationFrame(tick);
  }
  root.querySelector("#play").addEventListener("click", play);
  root.querySelector("#pause").addEventListener("click", () => { playing = false; });
  root.querySelector("#step-once").addEventListener("click", () => {
    playing = false;
    const { race, frame } = store.get();
    if (race) store.set({ frame: Math.min(frame + 1, race.length) });
  });
}
