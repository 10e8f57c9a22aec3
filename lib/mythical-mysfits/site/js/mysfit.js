// mysfit.html?id=<mysfitId>: one mysfit, with like and adopt for signed-in visitors.
import { adoptMysfit, getMysfit, likeMysfit } from './api.js';
import { currentSession } from './session.js';
import { $, showSession, status } from './ui.js';

const id = new URLSearchParams(location.search).get('id') ?? '';

function render(m) {
  $('name').textContent = m.name;
  $('species').textContent = `${m.species}, ${m.age} years old`;
  $('alignment').textContent = `${m.goodevil} / ${m.lawchaos}`;
  $('description').textContent = m.description;
  $('likes').textContent = String(m.likes);
  $('adopted').textContent = m.adopted ? 'Adopted' : 'Looking for a home';
  $('adopt').disabled = m.adopted;
}

async function act(action, done) {
  status('');
  try {
    render(await action(id));
    status(done, 'ok');
  } catch (err) {
    status(err.message, 'error');
  }
}

showSession();
$('signed-out').hidden = !!currentSession();
$('like').addEventListener('click', () => act(likeMysfit, 'Liked!'));
$('adopt').addEventListener('click', () => act(adoptMysfit, 'Adopted: welcome home!'));
getMysfit(id).then(render, (err) => status(err.message, 'error'));
