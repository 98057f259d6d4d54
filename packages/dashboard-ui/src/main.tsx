/**
 * @reelay/dashboard-ui — the gateway's dashboard (Flower's, bull-board's and the Temporal
 * UI's views) as a Preact single-page app on the gateway's own REST, SSE and WebSocket
 * API. It holds no key: sign-in trades one for an HttpOnly session cookie.
 */
import { render } from 'preact';
import { App } from './app';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
