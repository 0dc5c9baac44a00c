// Stylesheets imported by the web app's modules mean nothing to Jest.
module.exports = {};
