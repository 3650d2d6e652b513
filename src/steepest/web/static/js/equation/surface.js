// Panel 2: the surface of f (WebGL, turn and zoom), with the gradient at the point under the
// cursor drawn as an arrow; hovering also fills the readout with f, ∇f and |∇f|.
import { colouring, hoverAt, zRows } from "./grid.js";

export function start(store, root) {
  const plot = root.querySelector("#surface-plot");
  let drawn = false;

  function draw({ grid, equation }) {
    if (!grid) {
      if (drawn) Plotly.purge(plot);
      drawn = false;
      return;
    }
    const colour = colouring(grid);
    // at most 100 × 100 points drawn (the readout uses the whole grid)
    const every = Math.ceil(Math.max(grid.nx, grid.ny) / 100);
    const thin = (rows) => rows.filter((_, i) => i % every === 0).map((r) => r.filter((_, j) => j % every === 0));
    const pick = (axis) => Array.from(axis).filter((_, i) => i % every === 0);
    const traces = [
      { type: "surface", x: pick(grid.x), y: pick(grid.y), z: thin(zRows(grid)),
        surfacecolor: colour.values === grid.f ? undefined : thin(zRows(grid, colour.values)),
        colorscale: "Viridis", showscale: false, hovertemplate:
          `${grid.variables[0]} = %{x:.4g}, ${grid.variables[1]} = %{y:.4g}<br>f = %{z:.6g}<extra></extra>`,
        contours: { z: { show: true, usecolormap: true, project: { z: false } } } },
      { type: "scatter3d", mode: "lines", x: [], y: [], z: [], hoverinfo: "skip",
        line: { color: "#e0115f", width: 8 }, showlegend: false },
      { type: "cone", x: [0], y: [0], z: [0], u: [0], v: [0], w: [0], anchor: "tip",
        sizemode: "absolute", sizeref: 0.3, showscale: false, hoverinfo: "skip",
        colorscale: [[0, "#e0115f"], [1, "#e0115f"]], visible: false },
    ];
    const layout = {
      margin: { l: 0, r: 0, t: 0, b: 0 },
      scene: { xaxis: { title: { text: grid.variables[0] } }, yaxis: { title: { text: grid.variables[1] } },
        zaxis: { title: { text: "f" } }, aspectmode: "cube" },
      uirevision: equation,
    };
    Plotly.react(plot, traces, layout, { displaylogo: false, responsive: true });
    if (!drawn) {
      plot.on("plotly_hover", (event) => {
        const point = event.points && event.points.find((p) => p.curveNumber === 0);
        if (point) hoverAt(store, point.x, point.y, "surface");
      });
    }
    drawn = true;
  }

  function arrow({ hover, grid }) {
    if (!drawn || !hover || !grid || hover.from !== "surface") return;
    const at = hover.i * grid.nx + hover.j;
    const [x, y, f, fx, fy] = [grid.x[hover.j], grid.y[hover.i], grid.f[at], grid.fx[at], grid.fy[at]];
    const norm = Math.hypot(fx, fy);
    if (!(norm > 0) || !Number.isFinite(norm) || !Number.isFinite(f)) {
      Plotly.restyle(plot, { visible: false }, [1, 2]);
      return;
    }
    // along ∇f in the plane (x, y), rising with the tangent plane: dz = |∇f|·length
    const length = 0.15 * (grid.bounds[0][1] - grid.bounds[0][0]);
    const [dx, dy, dz] = [(length * fx) / norm, (length * fy) / norm, length * norm];
    Plotly.restyle(plot, { x: [[x, x + dx]], y: [[y, y + dy]], z: [[f, f + dz]], visible: true }, [1]);
    Plotly.restyle(plot, { x: [[x + dx]], y: [[y + dy]], z: [[f + dz]], u: [[dx]], v: [[dy]], w: [[dz]],
      visible: true }, [2]);
  }
  store.on(["grid"], draw);
  store.on(["hover"], arrow);
}
