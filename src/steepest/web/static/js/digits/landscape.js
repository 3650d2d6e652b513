// The cost landscape: the cost on a plane through the network's weights, and the path
// its training took, computed by the library (steepest.nn.landscape) and drawn here.
import { $, api, say, unpack } from "./util.js";

export async function show(source) {
  if (!source) { say("train a network first (or start with --model)", true); return; }
  $("landscape-go").disabled = true;
  $("landscape-caption").textContent = "computing…";
  try {
    const data = await api("/api/digits/landscape", {
      source, directions: $("landscape-directions").value,
      grid: parseInt($("landscape-grid").value, 10), images: 500,
    });
    const n = data.alphas.length, values = unpack(data.values);
    const z = Array.from({ length: data.betas.length }, (_, i) => Array.from(values.subarray(i * n, (i + 1) * n)));
    const traces = [{
      type: "contour", x: data.alphas, y: data.betas, z, colorscale: "Viridis", ncontours: 24,
      colorbar: { title: { text: `${data.cost} cost`, side: "right" } },
      hovertemplate: "α %{x:.3g}, β %{y:.3g}: cost %{z:.4g}<extra></extra>",
    }, {
      x: [0], y: [0], mode: "markers", name: `the weights now (cost ${data.centre.toPrecision(4)})`,
      marker: { symbol: "star", size: 16, color: "#D55E00", line: { color: "black", width: 1 } },
    }];
    if (data.path) {
      traces.push({
        x: data.path.map((p) => p[0]), y: data.path.map((p) => p[1]), mode: "lines+markers",
        name: `training path: ${data.path.length} snapshots, ${data.path_steps.at(-1)} steps`,
        line: { color: "white", width: 2 }, marker: { size: 5, color: "white", line: { color: "black", width: 1 } },
        text: data.path_values.map((v, i) => `step ${data.path_steps[i]}: cost ${v.toPrecision(4)}`),
        hovertemplate: "%{text}<extra></extra>",
      });
    }
    const names = data.kind === "pca"
      ? [`α: the path's main direction (${(100 * data.explained[0]).toFixed(0)}%)`, `β: its second (${(100 * data.explained[1]).toFixed(0)}%)`]
      : ["α (first direction)", "β (second direction)"];
    Plotly.newPlot("landscape-plot", traces, {
      margin: { l: 60, r: 10, t: 10, b: 45 }, legend: { orientation: "h", y: -0.18 },
      xaxis: { title: { text: names[0] } }, yaxis: { title: { text: names[1] } },
    }, { displaylogo: false, responsive: true });
    $("landscape-caption").textContent = `cost measured on ${data.subset}; ${data.describe.split("; ").slice(1).join("; ")}`;
    $("landscape-plot").dataset.path = data.path ? data.path.length : 0;
  } catch (error) {
    $("landscape-caption").textContent = "";
    say(error.message, true);
  } finally {
    $("landscape-go").disabled = false;
  }
}

export function init(getSource) {
  $("landscape-go").onclick = () => show(getSource());
}
