// `node --import ./register.mjs …`: maps `electron` to the stand-in for the smoke run.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
