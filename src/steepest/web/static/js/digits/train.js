// Train live: the form, start / pause / resume / stop, the learning rate while it runs,
// the cost and accuracy curves growing, and the first layer's weights as 28 × 28 pictures.
import { $, api, drawDigit, say, unpack } from "./util.js";

/** The optimizer's settings as this page names them (the library's names are for Python). */
const SETTING_WORDS = { learning_rate: "learning rate", momentum: "μ", rho: "ρ", beta1: "β₁",
  beta2: "β₂", eps: "ε" };

const state = { run: null, source: null, stream: null, listeners: [], epochs: [], accuracy: [] };

/** The network the other panels look at: the run's id, or "model", or null. */
export function source() { return state.source; }
/** Call ``listener(kind)`` when a run starts ("start"), updates ("update") or ends ("end"). */
export function onChange(listener) { state.listeners.push(listener); }
export function setSource(value) { state.source = value; tell("start"); }
function tell(kind) { for (const listener of state.listeners) listener(kind); }

function settings() {
  return {
    hidden: $("hidden").value.split(",").map((s) => parseInt(s, 10)).filter((n) => !isNaN(n)),
    activation: $("activation").value, cost: $("cost").value, optimizer: $("optimizer").value,
    learning_rate: parseFloat($("lr").value), batch_size: parseInt($("batch").value, 10),
    epochs: parseInt($("epochs").value, 10), schedule: $("schedule").value,
    label_smoothing: parseFloat($("smoothing").value), data: $("data").value,
    pace: parseFloat($("pace").value),
  };
}

const SETUP_FIELDS = ["hidden", "activation", "optimizer", "lr", "lr-slider", "schedule", "batch", "epochs", "smoothing"];

/** Let the form be filled with one of steepest's named setups (from /api/digits/info). */
export function useSetups(setups) {
  const select = $("setup");
  for (const option of select.options) {
    if (option.value && setups[option.value]) option.title = setups[option.value].about;
  }
  // the fields a setup gives: all of them, or only those that go with its cost
  const fill = (all) => {
    const s = setups[select.value];
    if (!s) return;
    $("cost").value = s.cost; $("activation").value = s.activation; $("optimizer").value = s.optimizer;
    $("lr").value = String(s.learning_rate); $("lr-slider").value = Math.log10(s.learning_rate);
    $("schedule").value = s.schedule; $("smoothing").value = String(s.label_smoothing);
    if (!all) return;
    $("hidden").value = s.hidden.join(","); $("batch").value = String(s.batch_size);
    $("epochs").value = String(s.epochs);
  };
  select.addEventListener("change", () => fill(true));
  // a cost brings the optimizer made for it (the network, mini-batch and epochs stay);
  // any other field changed makes the setup one's own
  $("cost").onchange = () => {
    select.value = $("cost").value === "quadratic" ? "nielsen" : "quick";
    fill(false);
    select.value = "";
  };
  for (const id of SETUP_FIELDS) $(id).addEventListener("change", () => { select.value = ""; });
  fill(true);  // the form starts from the server's setups, not from the page's copy
}

function resetPlots() {
  state.epochs = [];
  const layout = (title, y) => ({
    title: { text: title, font: { size: 13 } }, margin: { l: 55, r: 10, t: 30, b: 40 },
    xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: y } }, showlegend: true,
    legend: { orientation: "h", y: -0.25 },
  });
  Plotly.newPlot("cost-plot", [
    { x: [], y: [], name: "mini-batch", mode: "lines", line: { color: "#9ecae1", width: 1 } },
    { x: [], y: [], name: "smoothed", mode: "lines", line: { color: "#0072B2", width: 2 } },
    { x: [], y: [], name: "epoch mean", mode: "lines+markers", line: { color: "#D55E00" } },
  ], { ...layout("cost", "cost"), yaxis: { title: { text: "cost" }, type: "log" } },
  { displaylogo: false, responsive: true });
  Plotly.newPlot("accuracy-plot", [
    { x: [], y: [], name: "test accuracy", mode: "lines+markers", line: { color: "#009E73" } },
  ], { ...layout("test accuracy", "% right"), yaxis: { title: { text: "% right" } } },
  { displaylogo: false, responsive: true });
}

// points waiting to be drawn: the curves are redrawn at most four times a second
const pending = { x: [], y: [], sx: [], sy: [] };
let drawing = null;

function drawPending() {
  if (pending.x.length) {
    Plotly.extendTraces("cost-plot", { x: [pending.x, pending.sx], y: [pending.y, pending.sy] },
      [0, 1], 50000);
    pending.x = []; pending.y = []; pending.sx = []; pending.sy = [];
  }
}

function onUpdate(update) {
  if (update.type === "batch") {
    const first = update.steps - update.costs.length;
    const per = update.batches;
    update.costs.forEach((c, i) => { pending.x.push((first + i + 1) / per); pending.y.push(c); });
    pending.sx.push(update.steps / per); pending.sy.push(update.smoothed);
    if (drawing === null) drawing = setTimeout(() => { drawing = null; drawPending(); }, 250);
    $("status").textContent = `training · epoch ${update.epoch + 1}, mini-batch ${update.batch} of ` +
      `${update.batches} · step ${update.steps} · smoothed cost ${update.smoothed.toFixed(4)} · ` +
      `learning rate ${update.learning_rate}` +
      (update.step_size !== update.learning_rate ? ` (this step ${update.step_size.toPrecision(3)}, along the schedule)` : "");
    $("status").dataset.steps = update.steps;
    $("status").dataset.learningRate = update.learning_rate;
    if (update.weights) showWeights(unpack(update.weights));
    tell("update");
  } else if (update.type === "epoch") {
    drawPending();
    Plotly.extendTraces("cost-plot", { x: [[update.epoch]], y: [[update.cost]] }, [2]);
    if (update.test_accuracy !== undefined) {
      Plotly.extendTraces("accuracy-plot", { x: [[update.epoch]], y: [[100 * update.test_accuracy]] }, [0]);
      $("accuracy").textContent = `${(100 * update.test_accuracy).toFixed(1)}% of the test images right after epoch ${update.epoch}`;
    }
  } else if (update.type === "settings") {
    say(`from step ${update.steps} on: ${Object.entries(update.optimizer).map(([k, v]) => `${SETTING_WORDS[k] ?? k} ${v}`).join(", ")}`);
  } else if (update.type === "state") {
    $("run-state").textContent = update.state + (update.message ? `: ${update.message}` : "");
    $("run-state").dataset.state = update.state;
    $("pause-run").textContent = update.state === "paused" ? "Resume" : "Pause";
    if (update.end) {
      $("status").textContent = $("status").textContent.replace(/^training/, update.state);
      finish();
    }
  }
}

function showWeights(values) {
  const box = $("weights");
  const count = values.length / 784;
  while (box.children.length < count) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 56;
    canvas.title = `neuron ${box.children.length + 1} of the first layer: its 784 weights`;
    box.appendChild(canvas);
  }
  for (let i = 0; i < count; i++) drawDigit(box.children[i], values.subarray(784 * i, 784 * (i + 1)), 1, true);
}

function finish() {
  drawPending();
  if (state.stream) state.stream.close();
  state.stream = null;
  $("start").disabled = false;
  $("pause-run").disabled = $("stop").disabled = true;
  tell("end");
}

async function start() {
  try {
    if (state.run) await api(`/api/digits/runs/${state.run}/stop`, {}).catch(() => {});
    $("start").disabled = true;
    resetPlots();
    $("weights").replaceChildren();
    const run = await api("/api/digits/runs", settings());
    state.run = state.source = run.run;
    $("run-state").textContent = $("run-state").dataset.state = "training";
    $("pause-run").disabled = $("stop").disabled = false;
    say(`training a ${run.sizes.join("-")} network on ${run.settings.data === "sample" ? "the bundled sample" : "MNIST"}`);
    state.stream = new EventSource(`/api/digits/runs/${run.run}/stream`);
    state.stream.onmessage = (event) => onUpdate(JSON.parse(event.data));
    state.stream.onerror = () => { if (state.stream) { state.stream.close(); finish(); } };
    tell("start");
  } catch (error) {
    $("start").disabled = false;
    say(error.message, true);
  }
}

async function control(action) {
  if (!state.run) return;
  try { await api(`/api/digits/runs/${state.run}/${action}`, {}); } catch (error) { say(error.message, true); }
}

async function changeRate() {
  const value = parseFloat($("lr").value);
  $("lr-slider").value = Math.log10(value);
  if (!state.run || !state.stream) return;
  try {
    await api(`/api/digits/runs/${state.run}/settings`, { learning_rate: value });
  } catch (error) { say(error.message, true); }
}

export function init() {
  resetPlots();
  $("train-form").addEventListener("submit", (event) => event.preventDefault());
  $("start").onclick = start;
  $("pause-run").onclick = () => control($("pause-run").textContent === "Pause" ? "pause" : "resume");
  $("stop").onclick = () => control("stop");
  $("lr").onchange = changeRate;
  $("lr-slider").oninput = () => { $("lr").value = (10 ** parseFloat($("lr-slider").value)).toPrecision(2); };
  $("lr-slider").onchange = changeRate;
  $("pace").onchange = () => {
    if (state.run && state.stream) api(`/api/digits/runs/${state.run}/settings`, { pace: parseFloat($("pace").value) });
  };
  $("cost").onchange = () => {  // each cost with the setup that suits it
    const quadratic = $("cost").value === "quadratic";
    $("activation").value = quadratic ? "sigmoid" : "relu";
    $("optimizer").value = quadratic ? "gd" : "adam";
    $("lr").value = quadratic ? "3" : "0.001";
    $("lr-slider").value = Math.log10(parseFloat($("lr").value));
  };
  // a closed tab ends its run (the stream's end does too; this says it at once)
  addEventListener("pagehide", () => { if (state.run && state.stream) navigator.sendBeacon(`/api/digits/runs/${state.run}/stop`); });
}
