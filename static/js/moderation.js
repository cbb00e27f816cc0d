// "Tick all on this page" for the queue's bulk actions. Without JavaScript the box stays
// hidden and entries are ticked one by one.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("pick-all");
  if (!all) return;
  const boxes = () => document.querySelectorAll('input[form="bulk"][name="entries"]');
  all.hidden = false;
  all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
});

// Keyboard moderation of the queue: j and k choose the next or previous entry, p publishes the
// chosen one ("Publish and next": htmx swaps its row, then the next row is chosen). Keys typed
// in a field are left alone. Without JavaScript each row's button works as a plain form.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.querySelector(".queue-table");
  if (!table) return;
  const rows = () => Array.from(table.querySelectorAll("tbody tr[id^='row-']"));
  const choose = (row) => {
    if (!row) return;
    rows().forEach((r) => r.classList.toggle("chosen", r === row));
    row.focus();
  };
  const current = () => table.querySelector("tr.chosen") || null;
  const step = (by) => {
    const all = rows();
    const at = all.indexOf(current());
    choose(all[Math.min(Math.max(at + by, 0), all.length - 1)]);
  };
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") step(1);
    else if (event.key === "k") step(-1);
    else if (event.key === "p") {
      const button = current()?.querySelector(".publish-next button");
      if (button) button.click();
    } else return;
    event.preventDefault();
  });
  // After a row is swapped, choose the one below it (or the swapped row when it is the last).
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const row = event.detail.target.id ? document.getElementById(event.detail.target.id) : null;
    if (row && row.matches("tr[id^='row-']")) choose(row.nextElementSibling || row);
  });
});
