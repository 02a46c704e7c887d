// An app's icon: one emoji from a small fixed set (never user HTML).
export const APP_ICONS = ['📋', '🧾', '👥', '📦', '🛒', '📈', '🗂️', '🏷️', '🧑‍💼', '🛠️', '📅', '💬', '🏪', '🚚', '🎓', '💡'];

export function AppIcon({ icon }: { icon?: string | null }) {
  const shown = icon && APP_ICONS.includes(icon) ? icon : '📋';
  return <span className="fl-app-icon" aria-hidden>{shown}</span>;
}
