// The measures page's charts, each drawn from its json_script data: open cases by state, open
// cases by age, the main rates per grid and the mean time to resolve per grid. The tables carry the same figures, so without
// JavaScript nothing is lost (the chart cards stay hidden).
(() => {
  if (typeof Chart === "undefined") {
    return;
  }
  const BLUE = "#0d6efd";
  // A phone is 390px wide: a long label ("Resolved, awaiting verification") goes on two lines
  // instead of being cut off. Chinese labels are short and have no spaces to break at.
  const wrap = (label, width = 16) =>
    String(label)
      .split(" ")
      .reduce((lines, word) => {
        const last = lines[lines.length - 1];
        if (last && (last + " " + word).length <= width) {
          lines[lines.length - 1] = last + " " + word;
        } else {
          lines.push(word);
        }
        return lines;
      }, []);
  const counts = (data, horizontal) => ({
    type: "bar",
    data: {
      labels: data.labels.map((label) => wrap(label)),
      datasets: [{ label: data.label, data: data.counts, backgroundColor: BLUE }],
    },
    options: {
      indexAxis: horizontal ? "y" : "x", // horizontal bars leave room for the state names
      aspectRatio: horizontal ? 0.9 : 1.4,
      plugins: { legend: { display: false } },
      scales: {
        [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } },
        [horizontal ? "y" : "x"]: { ticks: { autoSkip: false } }, // every label shown, even at zero
      },
    },
  });
  const rates = (data) => ({
    type: "bar",
    data: {
      labels: data.labels.map((label) => wrap(label)),
      datasets: data.series.map((series, i) => ({
        label: series.label,
        data: series.values,
        backgroundColor: [BLUE, "#198754", "#fd7e14"][i % 3],
      })),
    },
    options: {
      aspectRatio: 1.2,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (value) => value + "%" } } },
    },
  });
  const durations = (data) => ({
    type: "bar",
    data: {
      labels: data.labels.map((label) => wrap(label)),
      datasets: [{ label: data.label, data: data.values, backgroundColor: "#6f42c1" }],
    },
    options: {
      aspectRatio: 1.2,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true } },
    },
  });
  Chart.defaults.animation = false; // figures to read, not a show; and a screenshot is never caught mid-way
  const build = { states: (d) => counts(d, true), ages: (d) => counts(d, false), rates, durations };
  document.querySelectorAll("[data-chart]").forEach((box) => {
    const source = document.getElementById(box.dataset.chart);
    const make = build[box.dataset.kind];
    if (!source || !make) {
      return;
    }
    box.hidden = false;
    new Chart(box.querySelector("canvas"), make(JSON.parse(source.textContent)));
  });
})();
