// A mutation-heavy page for the recorder benchmarks: `runWorkload(rounds)` adds, edits and removes
// table rows, texts, attributes and styles in separate tasks, as a busy single-page app does.
(() => {
  const words = ['order', 'shipped', 'invoice', 'delivery', 'tracking', 'status', 'total', 'course'];
  let n = 0;
  const word = () => words[n++ % words.length];
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  function row(i) {
    const tr = document.createElement('tr');
    tr.className = `row row-${i % 7}`;
    for (let c = 0; c < 5; c++) {
      const td = document.createElement('td');
      const span = document.createElement('span');
      span.className = 'cell badge';
      span.textContent = `${word()} ${word()} #${i * 5 + c}`;
      td.appendChild(span);
      tr.appendChild(td);
    }
    return tr;
  }

  window.runWorkload = async (rounds) => {
    const body = document.getElementById('rows');
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < 20; i++) body.appendChild(row(r * 20 + i));
      const cells = body.querySelectorAll('span.cell');
      for (let i = 0; i < cells.length; i += 7) cells[i].textContent = `${word()} ${r}`;
      const rows = body.querySelectorAll('tr');
      for (let i = 0; i < rows.length; i += 5) {
        rows[i].setAttribute('data-state', String(r % 3));
        rows[i].style.background = r % 2 ? '#f4f4f4' : '#ffffff';
      }
      while (body.children.length > 200) body.removeChild(body.firstElementChild);
      document.getElementById('counter').textContent = `round ${r}`;
      await tick();
    }
  };
})();
