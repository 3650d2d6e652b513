// Beside the map: f against the iteration for every run, up to the current frame. Clicking a
// point picks that step for the maths of a step (panel 5).
import { COLORS } from "../store.js";
import { pathsUpTo } from "./race.js";

export function start(store, root) {
  const plot = root.querySelector("#values-plot");
  let drawn = false;
  function draw(state) {
    const paths = pathsUpTo(state);
    if (!paths.length) {
      if (drawn) Plotly.purge(plot);
      drawn = false;
      return;
    }
    const all = paths.flatMap((p) => p.values).filter(Number.isFinite);
    const positive = all.length && all.every((v) => v > 0);
    const wide = positive && Math.max(...all) > 1000 * Math.min(...all);
    const traces = paths.map((p) => ({
      type: "scatter", mode: "lines", name: `${p.label}, start ${p.start + 1}`,
      x: p.values.map((_, k) => k), y: p.values.map((v) => (Number.isFinite(v) ? v : null)),
      line: { color: COLORS[p.id], width: 2, dash: p.start ? "dot" : "solid" },
      customdata: p.values.map(() => [p.id, p.start]),
      hovertemplate: "step %{x}: f = %{y:.6g}<extra>%{fullData.name}</extra>",
    }));
    const layout = {
      margin: { l: 60, r: 10, t: 10, b: 40 }, showlegend: true, legend: { orientation: "h", y: -0.2 },
      xaxis: { title: { text: "iteration" }, range: [0, Math.max(1, state.race.length)] },
      yaxis: { title: { text: "f" }, type: wide ? "log" : "linear" },
      uirevision: state.equation,
    };
    Plotly.react(plot, traces, layout, { displaylogo: false, responsive: true });
    if (!drawn) {
      plot.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (!point) return;
        const [id, s] = point.customdata;
        root.dispatchEvent(new CustomEvent("pick-step", { detail: { id, start: s, k: point.x } }));
      });
    }
    drawn = true;
  }
  store.on(["race", "frame"], draw);
}
