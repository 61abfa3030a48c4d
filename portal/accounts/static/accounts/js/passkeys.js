// When the browser does not create or use a passkey (cancelled, timed out, not supported),
// allauth's webauthn.js sends an "allauth.error" event: show the page's error message.
document.addEventListener('allauth.error', function (event) {
  const message = document.getElementById('passkey-error')
  if (message) {
    message.hidden = false
    event.preventDefault()
  }
})
