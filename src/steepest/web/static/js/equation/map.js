// Panel 3: the contour map of f with the gradient field (arrows coloured by |∇f|), the
// stationary points by kind, the starts and the racing paths, the basins and a picked
// step. Clicking places a start; the box can be typed or taken from the current view.
import { COLORS } from "../store.js";
import { colouring, follow, hoverAt, zRows } from "./grid.js";
import { pathsUpTo } from "./race.js";

const KIND_STYLE = {
  minimum: { symbol: "circle", color: "#2ca02c" },
  maximum: { symbol: "triangle-up", color: "#d62728" },
  saddle: { symbol: "x", color: "#ff7f0e" },
  degenerate: { symbol: "diamond", color: "#7f7f7f" },
};
export const BASIN_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

export function start(store, root) {
  const plot = root.querySelector("#map-plot");
  const error = root.querySelector("#equation-error");
  const inputs = ["x0", "x1", "y0", "y1"].map((k) => root.querySelector(`#box-${k}`));
  let drawn = false;

  follow(store, (message) => {
    if (message && store.get().reading) {
      error.textContent = message;
      error.hidden = false;
    }
  });

  function showBox({ box }) {
    box.flat().forEach((v, k) => { inputs[k].value = v; });
  }
  showBox(store.get());
  store.on(["box"], showBox);

  root.querySelector("#box-apply").addEventListener("click", () => {
    const [x0, x1, y0, y1] = inputs.map((i) => Number(i.value));
    if ([x0, x1, y0, y1].every(Number.isFinite) && x0 < x1 && y0 < y1) {
      store.set({ box: [[x0, x1], [y0, y1]], basins: null });
    }
  });
  root.querySelector("#box-view").addEventListener("click", () => {
    if (!drawn) return;
    const { xaxis, yaxis } = plot.layout;
    const round = (v) => Number(v.toPrecision(4));
    store.set({ box: [xaxis.range.map(round), yaxis.range.map(round)], basins: null });
  });

  function draw(state) {
    const { grid } = state;
    if (!grid) {
      if (drawn) Plotly.purge(plot);
      drawn = false;
      return;
    }
    const layout = {
      margin: { l: 50, r: 10, t: 10, b: 40 },
      xaxis: { title: { text: grid.variables[0] }, range: grid.bounds[0].slice(), constrain: "domain" },
      yaxis: { title: { text: grid.variables[1] }, range: grid.bounds[1].slice(),
        scaleanchor: "x", constrain: "domain" },
      showlegend: true,
      legend: { orientation: "h", y: -0.16 },
      hovermode: "closest",
      uirevision: state.equation + JSON.stringify(grid.bounds),
      annotations: annotations(state),
    };
    Plotly.react(plot, traces(state), layout, { displaylogo: false, responsive: true });
    if (!drawn) {
      plot.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (!point || store.get().starts.length >= 16) return;
        const span = grid.bounds[0][1] - grid.bounds[0][0];
        const digits = Math.max(0, 3 - Math.floor(Math.log10(span)));
        const round = (v) => Number(v.toFixed(digits));
        store.set({ starts: [...store.get().starts, [round(point.x), round(point.y)]] }, "start");
      });
      plot.on("plotly_hover", (event) => {
        const point = event.points && event.points[0];
        if (point) hoverAt(store, point.x, point.y, "map");
      });
    }
    drawn = true;
  }
  store.on(["grid", "race", "frame", "basins", "picked", "starts"], draw);
  store.on(["hover"], (state) => {
    if (drawn) Plotly.relayout(plot, { annotations: annotations(state) });
  });
}

// the traces of the grid, made once per grid (Plotly.react skips arrays it has seen)
let cached = { grid: null, contour: null, arrows: null, marks: null };

function traces(state) {
  const { grid } = state;
  if (cached.grid !== grid) {
    cached = { grid, contour: contourTraces(grid), arrows: arrowTrace(grid), marks: marks(grid) };
  }
  const out = [...cached.contour];
  if (state.basins && cached.basins !== state.basins) {
    cached.basins = state.basins;
    cached.basinTrace = basinTrace(state.basins);
  }
  if (state.basins) out.push(cached.basinTrace);
  out.push(cached.arrows, ...cached.marks);
  if (state.starts.length) {
    out.push({ type: "scatter", mode: "markers", name: "starts", hoverinfo: "skip",
      x: state.starts.map((p) => p[0]), y: state.starts.map((p) => p[1]),
      // a black ring on a pale disc: seen on every colour of the map, and in the legend
      marker: { symbol: "circle", size: 13, color: "rgba(255, 255, 255, 0.55)",
        line: { width: 2, color: "black" } } });
  }
  for (const path of pathsUpTo(state)) {
    out.push({ type: "scatter", mode: "lines+markers", name: path.label, legendgroup: path.id,
      showlegend: path.first, x: path.x, y: path.y, hoverinfo: "skip",
      line: { color: COLORS[path.id], width: 2 }, marker: { size: 4, color: COLORS[path.id] } });
  }
  if (state.picked) {
    const { point, new_point: next } = state.picked;
    out.push({ type: "scatter", mode: "markers", name: `step ${state.picked.k}`, hoverinfo: "skip",
      x: [point[0], next[0]], y: [point[1], next[1]],
      marker: { size: [12, 12], symbol: ["circle", "star"], color: "magenta",
        line: { width: 1, color: "black" } } });
  }
  return out;
}


function marks(grid) {
  const out = [];
  for (const [kind, style] of Object.entries(KIND_STYLE)) {
    const points = grid.stationary.filter((p) => p.kind === kind);
    if (!points.length) continue;
    out.push({
      type: "scatter", mode: "markers", name: kind, x: points.map((p) => p.point[0]),
      y: points.map((p) => p.point[1]), hoverinfo: "text",
      text: points.map((p) => `${kind} at (${p.point.map((c) => c.toPrecision(4)).join(", ")}), f = ${p.value === null ? "—" : p.value.toPrecision(4)}`),
      marker: { symbol: style.symbol, size: 12, color: style.color, line: { width: 1.5, color: "black" } },
    });
  }
  grid.curves.forEach((curve, k) => {
    const xs = [];
    const ys = [];
    for (let i = 0; i < curve.length; i += 2) {
      xs.push(Number.isFinite(curve[i]) ? curve[i] : null);
      ys.push(Number.isFinite(curve[i + 1]) ? curve[i + 1] : null);
    }
    // black dashes on a white band: seen on every colour of the map, and in the legend
    out.push({ type: "scatter", mode: "lines", x: xs, y: ys, name: "stationary curve",
      legendgroup: "stationary-curves", showlegend: false, hoverinfo: "skip",
      line: { color: "white", width: 5 } });
    out.push({ type: "scatter", mode: "lines", x: xs, y: ys, name: "stationary curve",
      legendgroup: "stationary-curves", showlegend: k === 0, hoverinfo: "skip",
      line: { color: "black", width: 2, dash: "dash" } });
  });
  return out;
}

function contourTraces(grid) {
  // the colours as a heatmap and the lines as a contour with no fill: Plotly draws every
  // heatmap (the basins too, after this one) below every contour, so the basins can cover
  // the colours and not the lines
  const colour = colouring(grid);
  const x = Array.from(grid.x);
  const y = Array.from(grid.y);
  const z = zRows(grid, colour.values);
  return [
    { type: "heatmap", x, y, z, colorscale: "Viridis", showscale: false, hoverinfo: "none",
      name: colour.title, showlegend: false, zsmooth: "best" },
    { type: "contour", x, y, z, ncontours: 24, showscale: false, hoverinfo: "skip",
      contours: { coloring: "none", showlines: true }, line: { width: 0.6, color: "rgba(0,0,0,0.4)" },
      name: "contours", showlegend: false },
  ];
}

function arrowTrace(grid) {
  const { x, y, u, v } = grid.arrows;
  const norms = Array.from(u, (a, k) => Math.hypot(a, v[k]));
  const finite = norms.filter(Number.isFinite);
  const top = finite.length ? Math.max(...finite) : 1;
  // colour by |∇f|, on a log scale (four decades at most) when it spans more than two
  const logScale = finite.length > 0 && top > 100 * Math.min(...finite);
  const floor = top * 1e-4;
  return {
    type: "scatter", mode: "markers", name: "∇f (uphill)", hoverinfo: "skip",
    x: Array.from(x), y: Array.from(y),
    marker: {
      symbol: "arrow", size: 10, angleref: "up",
      angle: Array.from(u, (a, k) => 90 - (Math.atan2(v[k], a) * 180) / Math.PI),
      color: norms.map((n) => (logScale ? Math.log10(Math.max(n, floor)) : n)),
      colorscale: "Reds", reversescale: false, showscale: true, line: { width: 0.5, color: "black" },
      colorbar: { title: { text: logScale ? "log₁₀|∇f|" : "|∇f|" }, thickness: 12, len: 0.8 },
    },
  };
}

function basinTrace(basins) {
  // labels: -2 not finished, -1 diverged, k ≥ 0 the k-th end; colours cycle through 10
  const z = basins.labels.map((row) => row.map((l) => (l < 0 ? l + 2 : 2 + (l % 10))));
  const steps = ["#9a9a9a", "#000000", ...BASIN_COLORS];
  const colorscale = [];
  steps.forEach((c, k) => {
    colorscale.push([k / steps.length, c], [(k + 1) / steps.length, c]);
  });
  return { type: "heatmap", x: basins.x, y: basins.y, z, zmin: -0.5, zmax: steps.length - 0.5,
    colorscale, showscale: false, opacity: 0.55, hoverinfo: "skip", name: "basins",
    showlegend: false };
}

function annotations(state) {
  const { hover, grid } = state;
  if (!hover || !grid) return [];
  const at = hover.i * grid.nx + hover.j;
  const [fx, fy] = [grid.fx[at], grid.fy[at]];
  const norm = Math.hypot(fx, fy);
  if (!(norm > 0) || !Number.isFinite(norm)) return [];
  const length = 0.12 * (grid.bounds[0][1] - grid.bounds[0][0]);
  const [x, y] = [grid.x[hover.j], grid.y[hover.i]];
  return [{ x: x + (length * fx) / norm, y: y + (length * fy) / norm, ax: x, ay: y,
    xref: "x", yref: "y", axref: "x", ayref: "y", showarrow: true, arrowhead: 2,
    arrowsize: 1.2, arrowwidth: 2.5, arrowcolor: "white", text: "" }];
}
