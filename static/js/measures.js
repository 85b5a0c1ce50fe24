// The measures page's chart of open cases by state, drawn from its json_script data. The
// tables under it carry the same figures, so without JavaScript nothing is lost.
(() => {
  const data = document.getElementById("open-cases-data");
  const box = document.getElementById("open-cases-chart");
  if (!data || !box || typeof Chart === "undefined") {
    return;
  }
  // A phone is 390px wide: a long state name ("Resolved, awaiting verification") goes on two
  // lines instead of being cut off. Chinese names are short and have no spaces to break at.
  const wrap = (label, width = 16) =>
    label.split(" ").reduce((lines, word) => {
      const last = lines[lines.length - 1];
      if (last && (last + " " + word).length <= width) {
        lines[lines.length - 1] = last + " " + word;
      } else {
        lines.push(word);
      }
      return lines;
    }, []);
  const chart = JSON.parse(data.textContent);
  box.hidden = false;
  new Chart(document.getElementById("open-cases-canvas"), {
    type: "bar",
    data: {
      labels: chart.labels.map((label) => wrap(label)),
      datasets: [{ label: chart.label, data: chart.counts, backgroundColor: "#0d6efd" }],
    },
    options: {
      indexAxis: "y", // horizontal bars leave room for the state names
      aspectRatio: 0.9,
      plugins: { legend: { display: false } },
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 } },
        y: { ticks: { autoSkip: false } }, // every state named, even with no open case
      },
    },
  });
})();
