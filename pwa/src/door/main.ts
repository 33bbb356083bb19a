import { mount } from 'svelte';
import { addMessages } from '../lib/i18n/translate';
import '../lib/styles/global.css';
import './door.css';
import DoorApp from './door-app.svelte';
import { messages } from './messages';
import { unlockAudioOnFirstGesture } from './scanner/feedback';
import { appUpdate } from './state/app-update.svelte';
import { session } from './state/door-session.svelte';

addMessages(messages());

appUpdate.register();
unlockAudioOnFirstGesture();
void session.start();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from door/index.html');

export default mount(DoorApp, { target });
