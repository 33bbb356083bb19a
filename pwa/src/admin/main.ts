import { mount } from 'svelte';
import '../lib/styles/global.css';
import App from './app.svelte';
import { session } from './session.svelte';

void session.load();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from admin/index.html');

export default mount(App, { target });
