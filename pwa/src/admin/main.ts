import { mount } from 'svelte';
import { z } from 'zod';
import { addMessages } from '../lib/i18n/translate';
import '../lib/styles/global.css';
import App from './app.svelte';
import { messages } from './messages';
import { session } from './session.svelte';

addMessages(messages());

// Zod compiles validators with `new Function` when it can; our CSP forbids eval, so every page
// load logged a violation while zod probed for it. Interpreted validation is fast enough here.
z.config({ jitless: true });

void session.load();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from admin/index.html');

export default mount(App, { target });
