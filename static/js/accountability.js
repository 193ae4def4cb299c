// Budget simulator: the live balance and consequences as a resident changes a line.
// The page works without this script (number inputs and "Check my budget"); the server's
// calculation (accountability/budget.py) is the one that counts, and this mirrors it:
// a spending cut of p % saves amount × p / 100 each year, income rises bring in as much, and a
// council tax rise recurs every year, so by year n it brings in amount × ((1 + p/100)^n − 1).

const data = JSON.parse(document.getElementById("budget-data")?.textContent || "null");
const form = document.querySelector("[data-module='accountability-budget']");

function moneyText(amount) {
  const sign = amount < 0 ? "-" : "";
  const value = Math.abs(amount);
  if (value >= 1_000_000) {
    const millions = (Math.round((value / 1_000_000) * 100) / 100).toString();
    return `${sign}£${millions}m`;
  }
  return `${sign}£${Math.round(value).toLocaleString("en-GB")}`;
}

function choices() {
  const found = {};
  for (const input of form.querySelectorAll("input[data-line]")) {
    const value = Number.parseFloat(input.value);
    found[input.dataset.line] = Number.isFinite(value) ? value : 0;
  }
  return found;
}

function effect(line, percent, year) {
  const amount = Number.parseFloat(line.amount);
  if (line.kind === "council_tax") return amount * ((1 + percent / 100) ** year - 1);
  const change = (amount * percent) / 100;
  return line.kind === "income" ? change : -change;
}

function consequence(line, percent) {
  let best = null;
  for (const [levelText, text] of line.consequences) {
    const level = Number.parseFloat(levelText);
    const reached = percent >= 0 ? level >= 0 && level <= percent : level <= 0 && level >= percent;
    if (reached && (best === null || Math.abs(level) > Math.abs(best[0]))) best = [level, text];
  }
  return best ? best[1] : "";
}

function update() {
  const chosen = choices();
  data.years.forEach((year, index) => {
    const saved = Math.round(data.lines.reduce((sum, line) => sum + effect(line, chosen[line.id] || 0, index + 1), 0));
    const remaining = Number.parseFloat(year.gap) - saved;
    const row = form.querySelector(`[data-year="${index}"]`);
    if (!row) return;
    row.classList.toggle("accountability-balance__year--balanced", remaining <= 0);
    row.querySelector("[data-year-figures]").textContent =
      `gap ${moneyText(Number.parseFloat(year.gap))}, saved ${moneyText(saved)}.`;
    row.querySelector("[data-year-status]").textContent = remaining <= 0
      ? `Balanced${remaining < 0 ? `, with ${moneyText(-remaining)} to spare` : ""}.`
      : `Still to find: ${moneyText(remaining)}.`;
  });
  for (const line of data.lines) {
    const target = form.querySelector(`[data-consequence="${line.id}"]`);
    if (target) target.textContent = consequence(line, chosen[line.id] || 0);
  }
  const bill = form.querySelector("[data-band-bill]");
  const band = form.querySelector("select[name='band']");
  if (bill && band && data.bandD) {
    const tax = data.lines.find((line) => line.kind === "council_tax");
    const rise = tax ? chosen[tax.id] || 0 : 0;
    const ninths = data.bandNinths[band.value];
    bill.textContent = ninths
      ? `Your council tax would be £${((Number.parseFloat(data.bandD) * ninths * (100 + rise)) / 900).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} a year.`
      : "";
  }
}

if (data && form) {
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}
