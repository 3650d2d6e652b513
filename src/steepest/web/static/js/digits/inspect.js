// Looking inside: one test image's cost worked out, the network drawn with its activations,
// a grid of test images with the network's guesses, and the confusion matrix.
import { $, api, drawDigit, say, unbytes, unpack } from "./util.js";

const SHOWN = 24;  // neurons drawn per hidden layer at most

export async function showImage(source) {
  const index = parseInt($("image-index").value, 10) || 0;
  const data = await api("/api/digits/image", { source, index });
  drawDigit($("image-picture"), unpack(data.image));
  const rows = data.outputs.map((a, j) => {
    const y = data.expected[j];
    const mark = j === data.guess ? " class=\"guess\"" : "";
    return `<tr${mark}><td>${j}</td><td>${a.toFixed(3)}</td><td>${y}</td>` +
      `<td>(${y} − ${a.toFixed(3)})² = ${data.squared[j].toFixed(4)}</td></tr>`;
  }).join("");
  const entropy = data.cross_entropy === null ? "" :
    `<p>cross-entropy: −ln a<sub>${data.label}</sub> = −ln ${data.outputs[data.label].toFixed(4)} = ` +
    `<b>${data.cross_entropy.toFixed(4)}</b></p>`;
  $("worked").innerHTML =
    `<p>test image ${index}: the digit ${data.label}; the network's answer: <b>${data.guess}</b>` +
    `${data.guess === data.label ? " (right)" : " (wrong)"}</p>` +
    `<table><thead><tr><th>digit</th><th>output a</th><th>expected y</th><th>(y − a)²</th></tr></thead>` +
    `<tbody>${rows}</tbody><tfoot><tr><td colspan="3">cost of this image Σ (y − a)²</td>` +
    `<td id="worked-sum"><b>${data.quadratic.toFixed(4)}</b></td></tr></tfoot></table>${entropy}`;
  drawNetwork(data);
}

function drawNetwork(data) {
  const svg = $("network");
  const width = 640, height = 330;
  const layers = data.activations.map(unpack);
  const columns = layers.length + 1;
  const parts = [];
  const x = (i) => 70 + (i * (width - 140)) / (columns - 1);
  // the input layer: the picture itself
  parts.push(`<image href="${pictureURL(unpack(data.image))}" x="${x(0) - 42}" y="${height / 2 - 42}" width="84" height="84" style="image-rendering:pixelated"/>`);
  parts.push(`<text x="${x(0)}" y="${height - 8}" text-anchor="middle">784 inputs</text>`);
  let previous = null;
  layers.forEach((values, l) => {
    const shown = Math.min(values.length, l === layers.length - 1 ? values.length : SHOWN);
    const ys = Array.from({ length: shown }, (_, i) => 20 + ((i + 0.5) * (height - 50)) / shown);
    if (previous) for (const y0 of previous) for (const y1 of ys)
      parts.push(`<line x1="${x(l)}" y1="${y0}" x2="${x(l + 1)}" y2="${y1}" stroke="#ccc" stroke-width="0.3"/>`);
    else for (const y1 of ys)
      parts.push(`<line x1="${x(0) + 42}" y1="${height / 2}" x2="${x(1)}" y2="${y1}" stroke="#ddd" stroke-width="0.3"/>`);
    const top = Math.max(1e-9, ...values);
    ys.forEach((y, i) => {
      const v = Math.max(0, values[i]) / top;
      const fill = `rgb(${255 - 255 * v},${255 - 141 * v},${255 - 77 * v})`;
      const last = l === layers.length - 1;
      parts.push(`<circle cx="${x(l + 1)}" cy="${y}" r="${last ? 9 : 6}" fill="${fill}" stroke="${last && i === data.guess ? "#D55E00" : "#555"}" stroke-width="${last && i === data.guess ? 2.5 : 0.7}"><title>${values[i].toFixed(3)}</title></circle>`);
      if (last) parts.push(`<text x="${x(l + 1) + 16}" y="${y + 4}">${i}: ${values[i].toFixed(2)}</text>`);
    });
    const label = l === layers.length - 1 ? "10 outputs" : `${values.length} hidden${values.length > shown ? ` (${shown} shown)` : ""}`;
    parts.push(`<text x="${x(l + 1)}" y="${height - 8}" text-anchor="middle">${label}</text>`);
    previous = ys;
  });
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.innerHTML = parts.join("");
}

function pictureURL(values) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 28;
  drawDigit(canvas, values);
  return canvas.toDataURL();
}

export async function showGrid(source) {
  const data = await api("/api/digits/tests", { source, start: 0, count: 60 });
  const pixels = unbytes(data.images);
  const box = $("test-grid");
  box.replaceChildren();
  let wrong = 0;
  data.labels.forEach((label, i) => {
    const cell = document.createElement("figure");
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 42;
    drawDigit(canvas, pixels.subarray(784 * i, 784 * (i + 1)), 255);
    const guess = data.guesses[i];
    const caption = document.createElement("figcaption");
    caption.textContent = guess === label ? `${guess}` : `${guess} ✗ (${label})`;
    if (guess !== label) { cell.className = "wrong"; wrong++; }
    cell.append(canvas, caption);
    box.append(cell);
  });
  $("grid-note").textContent = `the first ${data.labels.length} test images: ${wrong} wrong (marked ✗, the true digit in brackets)`;
}

export async function showConfusion(source) {
  const data = await api("/api/digits/confusion", { source });
  const digits = [...Array(10).keys()];
  Plotly.react("confusion", [{
    z: data.matrix, x: digits, y: digits, type: "heatmap", colorscale: "Blues", reversescale: true, showscale: false,
    text: data.matrix.map((row) => row.map(String)), texttemplate: "%{text}",
    hovertemplate: "true %{y}, answered %{x}: %{z}<extra></extra>",
  }], {
    title: { text: `confusion matrix: ${(100 * data.accuracy).toFixed(1)}% of ${data.count} right`, font: { size: 13 } },
    xaxis: { title: { text: "the network's answer" }, dtick: 1 },
    yaxis: { title: { text: "true digit" }, dtick: 1, autorange: "reversed" },
    margin: { l: 50, r: 10, t: 35, b: 45 },
  }, { displaylogo: false, responsive: true });
}

export async function refresh(source) {
  if (!source) return;
  try {
    await showImage(source);
    await showGrid(source);
    await showConfusion(source);
  } catch (error) { say(error.message, true); }
}

export function init(getSource) {
  $("image-index").onchange = () => getSource() && showImage(getSource()).catch((e) => say(e.message, true));
  $("image-next").onclick = () => {
    $("image-index").value = (parseInt($("image-index").value, 10) + 1) % 1000;
    $("image-index").onchange();
  };
}
