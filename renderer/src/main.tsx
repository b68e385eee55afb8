import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { ReleasePromptApp } from './release/ReleasePrompt.js';
import './styles.css';

// Area engineers' UI (scan, aws, time, backup) registers itself in ./slots.ts from these files.
// A missing folder is simply not matched, so the renderer builds before every area has landed.
import.meta.glob(['./scan/register.{ts,tsx}', './aws/register.{ts,tsx}', './time/register.{ts,tsx}', './backup/register.{ts,tsx}', './release/register.{ts,tsx}'], { eager: true });

const root = document.getElementById('root');
// Main's approval prompt window loads the same page with this fragment (docs/approvals.md).
const view = location.hash === '#release-prompt' ? <ReleasePromptApp /> : <App />;
if (root) createRoot(root).render(<StrictMode>{view}</StrictMode>);
