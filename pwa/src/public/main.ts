import { mount } from 'svelte';
import { addMessages } from '../lib/i18n/translate';
import '../lib/styles/global.css';
import App from './app.svelte';
import { messages } from './messages';

addMessages(messages());

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
