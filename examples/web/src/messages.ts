import { byId } from './dom';

/** Shows what went wrong, in words, above the page (an ARIA alert, so screen readers say it). */
export function showAlert(text: string): void {
  const alert = byId('alert');
  alert.replaceChildren(text);
  alert.hidden = false;
  byId('notice').hidden = true;
}

/** Shows what just happened (an ARIA status), e.g. a removal that Graph accepted. */
export function showNotice(...content: (Node | string)[]): void {
  const notice = byId('notice');
  notice.replaceChildren(...content);
  notice.hidden = false;
  byId('alert').hidden = true;
}

export function clearMessages(): void {
  byId('alert').hidden = true;
  byId('notice').hidden = true;
}
