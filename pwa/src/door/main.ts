import { mount } from 'svelte';
import { setRequestTimeout } from '../lib/api';
import { addMessages } from '../lib/i18n/translate';
import '../lib/styles/global.css';
import './door.css';
import DoorApp from './door-app.svelte';
import { messages } from './messages';
import { unlockAudioOnFirstGesture } from './scanner/feedback';
import { appUpdate } from './state/app-update.svelte';
import { feedbackSettings } from './state/feedback-settings.svelte';
import { session } from './state/door-session.svelte';
import { INTERACTIVE_TIMEOUT_MS } from './sync/timeouts';

addMessages(messages());
setRequestTimeout(INTERACTIVE_TIMEOUT_MS);

appUpdate.register();
unlockAudioOnFirstGesture();
void feedbackSettings.load();
void session.start();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from door/index.html');

export default mount(DoorApp, { target });
