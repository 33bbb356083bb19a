import { mount } from 'svelte';
import { z } from 'zod';
import '../lib/styles/global.css';
import App from './app.svelte';
import { session } from './session.svelte';

// Zod compiles validators with `new Function` when it can; our CSP forbids eval, so every page
// load logged a violation while zod probed for it. Interpreted validation is fast enough here.
z.config({ jitless: true });

void session.load();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from admin/index.html');

export default mount(App, { target });
