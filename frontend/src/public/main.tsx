// Public form entry (placeholder until the public page lands).
const root = document.getElementById('root');
if (root) root.textContent = '';
