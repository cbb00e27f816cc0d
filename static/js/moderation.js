// "Tick all on this page" for the queue's bulk actions. Without JavaScript the box stays
// hidden and entries are ticked one by one.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("pick-all");
  if (!all) return;
  const boxes = () => document.querySelectorAll('input[form="bulk"][name="entries"]');
  all.hidden = false;
  all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
});
