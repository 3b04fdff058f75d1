// The web app's browser code, loaded once by App.razor and kept across page changes (the app is one circuit).
import { startUploads } from './uploads.js';
import { startInactivityTimer } from './inactivity.js';
import { startMenus } from './menus.js';

startMenus(document);
startUploads(document);
startInactivityTimer(document);
