import { mount } from 'svelte';
import '../lib/styles/global.css';
import App from './app.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
