// The page's state, kept in the address (as TensorFlow Playground keeps its configuration in
// the hash): the equation, the box, the optimizers with their settings, the starts, the
// direction and the steps. Reloading or sending the address restores the same view.

export const OPTIMIZERS = [
  { id: "gd", name: "plain (gd)", lr: 0.1 },
  { id: "momentum", name: "momentum", lr: 0.05, extra: { momentum: 0.9 } },
  { id: "nesterov", name: "Nesterov", lr: 0.05, extra: { momentum: 0.9 } },
  { id: "adagrad", name: "AdaGrad", lr: 0.5 },
  { id: "rmsprop", name: "RMSProp", lr: 0.05, extra: { rho: 0.9 } },
  { id: "adam", name: "Adam", lr: 0.1, extra: { beta1: 0.9, beta2: 0.999 } },
  { id: "linesearch", name: "line search (gd + backtracking)", lr: 1.0 },
];

export const COLORS = {
  gd: "#d62728", momentum: "#1f77b4", nesterov: "#17becf", adagrad: "#9467bd",
  rmsprop: "#8c564b", adam: "#ff7f0e", linesearch: "#2ca02c",
};

const DEFAULT = {
  equation: "x^2 sin(y)",
  box: [[-3, 3], [-3, 3]],
  runs: [], // [{id, lr, momentum?, rho?, beta1?, beta2?}]
  starts: [], // [[x, y]]
  direction: "descend",
  steps: 500,
};

function parseNumbers(text, count) {
  const values = text.split(",").map(Number);
  return values.length === count && values.every(Number.isFinite) ? values : null;
}

/** The state written in the address's hash, with defaults for what it does not say. */
export function readAddress(hash = location.hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const state = structuredClone(DEFAULT);
  if (params.has("f")) state.equation = params.get("f");
  const box = params.get("box") && parseNumbers(params.get("box"), 4);
  if (box && box[0] < box[1] && box[2] < box[3]) state.box = [[box[0], box[1]], [box[2], box[3]]];
  for (const item of (params.get("opt") || "").split(";").filter(Boolean)) {
    const [id, ...pairs] = item.split(",");
    const spec = OPTIMIZERS.find((o) => o.id === id);
    if (!spec || state.runs.some((r) => r.id === id)) continue;
    const run = { id, lr: spec.lr, ...(spec.extra || {}) };
    for (const pair of pairs) {
      const [key, value] = pair.split(":");
      if (key in run && Number.isFinite(Number(value))) run[key] = Number(value);
    }
    state.runs.push(run);
  }
  for (const item of (params.get("starts") || "").split(";").filter(Boolean)) {
    const point = parseNumbers(item, 2);
    if (point) state.starts.push(point);
  }
  if (params.get("dir") === "ascend") state.direction = "ascend";
  const steps = Number(params.get("steps"));
  if (Number.isInteger(steps) && steps >= 1 && steps <= 10000) state.steps = steps;
  return state;
}

/** The hash that holds `state`. */
export function address(state) {
  const params = new URLSearchParams();
  params.set("f", state.equation);
  params.set("box", state.box.flat().join(","));
  if (state.runs.length) {
    params.set("opt", state.runs.map((r) => [r.id, ...Object.entries(r)
      .filter(([k]) => k !== "id").map(([k, v]) => `${k}:${v}`)].join(",")).join(";"));
  }
  if (state.starts.length) params.set("starts", state.starts.map((p) => p.join(",")).join(";"));
  if (state.direction !== "descend") params.set("dir", state.direction);
  params.set("steps", String(state.steps));
  return "#" + params.toString();
}

const IN_ADDRESS = ["equation", "box", "runs", "starts", "direction", "steps"];

/** A tiny store: `set(patch)` merges and tells the listeners of the keys that changed; the
 * keys that belong in the address are written there. */
export function createStore(initial) {
  const state = { ...initial };
  const listeners = [];
  history.replaceState(null, "", address(state));
  return {
    get: () => state,
    set(patch, why = "") {
      Object.assign(state, patch);
      const keys = Object.keys(patch);
      for (const { on, fn } of listeners) {
        if (on.some((k) => keys.includes(k))) fn(state, why);
      }
      if (keys.some((k) => IN_ADDRESS.includes(k))) history.replaceState(null, "", address(state));
    },
    on(keys, fn) {
      listeners.push({ on: keys, fn });
    },
  };
}
