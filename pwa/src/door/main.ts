import { mount } from 'svelte';
import '../lib/styles/global.css';
import './door.css';
import DoorApp from './door-app.svelte';
import { unlockAudioOnFirstGesture } from './scanner/feedback';
import { appUpdate } from './state/app-update.svelte';
import { session } from './state/door-session.svelte';

appUpdate.register();
unlockAudioOnFirstGesture();
void session.start();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from door/index.html');

export default mount(DoorApp, { target });
